using SrRescue.Lvm;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// PvScanner looks for copy heads in each MiB of a metadata area as soon as it is read. The heads
/// found part by part must be those found in the whole area: at the boundaries of the parts, in
/// the last 512 bytes of a part, and a head at the very end that continues after the header.
/// </summary>
public sealed class RingHeadsInPartsTests
{
    private const int Part = 1 << 20;

    [Theory]
    [InlineData(Part, 40)]
    [InlineData(Part, 6)] // the wrap cuts " {\nid" of the last head
    [InlineData(Part / 2, 40)]
    [InlineData(4096, 6)]
    [InlineData(1040, 40)] // a short read ends 16 bytes into the head at 1024
    public void Heads_found_part_by_part_are_those_of_the_whole_area(int part, int tail)
    {
        // Bytes past the last full 512: a head starting there goes on right after the 512-byte header (lvm2.md 2.3).
        var area = new byte[(3 * Part) + 1536 + tail];
        int[] starts = [1024, Part - 512, Part, (2 * Part) - 512, 2 * Part, 3 * Part, (3 * Part) + 1024];
        for (var i = 0; i < starts.Length; i++)
        {
            Head(i).CopyTo(area.AsSpan(starts[i]));
        }

        var wrapped = Head(99);
        var wrapStart = area.Length - tail;
        wrapped.AsSpan(0, tail).CopyTo(area.AsSpan(wrapStart));
        wrapped.AsSpan(tail).CopyTo(area.AsSpan(512));

        var whole = new List<MetadataRingScanner.Head>();
        MetadataRingScanner.FindHeads(area, 0, area.Length, whole);

        // Read as the scanner reads: what is past the part read so far is still zeros.
        var buffer = new byte[area.Length];
        var inParts = new List<MetadataRingScanner.Head>();
        var next = 0;
        for (var read = 0; read < area.Length;)
        {
            var n = Math.Min(part, area.Length - read);
            area.AsSpan(read, n).CopyTo(buffer.AsSpan(read));
            read += n;
            next = MetadataRingScanner.FindHeads(buffer, next, read, inParts);
        }
        Assert.Equal(whole, inParts);
        Assert.Equal([.. starts, wrapStart], whole.Select(h => h.Start));
        Assert.Equal(99, whole[^1].Seqno);
    }

    private static byte[] Head(int seqno) =>
        System.Text.Encoding.ASCII.GetBytes($"vg{seqno} {{\nid = \"aaaaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa\"\nseqno = {seqno}\n\0");
}
