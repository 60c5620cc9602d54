using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// LVM 2.02 never zeroed the rest of the last sector after a copy's NUL (lvm2.md 2.4 step 5, 2.5):
/// leftovers of older copies sit between the copies. The scan must give the same copies.
/// </summary>
public sealed class Lvm202RingTests
{
    [Fact]
    public void Leftover_bytes_between_copies_change_nothing()
    {
        var image = Samples.Bytes("s1_wrapped_pv_first1MiB.img.gz");
        var clean = PvScanner.Scan(new MemorySource(image), 0, new FindingLog()).Copies.ToList();

        var dirty = (byte[])image.Clone();
        foreach (var c in clean.Where(c => !c.Wraps))
        {
            var end = (int)(c.OffsetBytes + c.SizeBytes);
            var next = (end + 511) / 512 * 512;
            // Old text, as a 2.02 writer leaves it: no NUL, and a line that looks like a copy's head.
            var junk = "seqno = 1\nVG_old {\nid = \"x\"\n"u8;
            for (var i = end; i < next; i++)
            {
                dirty[i] = junk[(i - end) % junk.Length];
            }
        }

        var found = PvScanner.Scan(new MemorySource(dirty), 0, new FindingLog()).Copies.ToDictionary(c => c.OffsetBytes);
        Assert.Equal(clean.Count, found.Count);
        foreach (var c in clean)
        {
            Assert.Equal(c.Seqno, found[c.OffsetBytes].Seqno);
            Assert.Equal(c.Checksum, found[c.OffsetBytes].Checksum);
            Assert.Equal(c.IsDamaged, found[c.OffsetBytes].IsDamaged);
        }
    }
}
