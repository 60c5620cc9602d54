using SrRescue.Carving;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Tests.Carving;

/// <summary>
/// One read per extent serves every pass that asks about an extent's start or the end of the one
/// before (<see cref="ExtentHeads"/>): the head given to the start scans, the footer at each
/// extent's end and whether its head holds data kept for the carve, nothing read of an extent
/// skipped.
/// </summary>
public sealed class ExtentHeadsTests
{
    private const int Extent = 64 << 10;
    private const int PeStart = 8 << 10;
    private const int Extents = 10;

    [Fact]
    public void Each_extent_is_read_once_and_its_end_and_head_are_kept()
    {
        var bytes = new byte[PeStart + (Extents * Extent)];
        var grid = new ExtentGrid(PeStart, Extent, Extents, "test");
        var ends = new Dictionary<long, Guid> { [2] = Guid.NewGuid(), [9] = Guid.NewGuid(), [6] = Guid.NewGuid() };
        foreach (var (pe, uuid) in ends)
        {
            var tail = bytes.AsSpan((int)grid.OffsetOf(pe) + Extent - 512, 512);
            "conectix"u8.CopyTo(tail);
            uuid.TryWriteBytes(tail.Slice(VhdFooter.Off.Uuid, 16), bigEndian: true, out _);
        }

        bytes[(int)grid.OffsetOf(4) + 4095] = 1; // data at the end of extent 4's head
        bytes[(int)grid.OffsetOf(5) + 4096] = 1; // and just past extent 5's
        var source = new CountingSource(new MemorySource(bytes));
        var seen = new List<(long Pe, int Length, byte Last)>();

        var heads = ExtentHeads.Read(source, grid, pe => pe == 7, (pe, head) => seen.Add((pe, head.Length, head[^1])), null);

        // One read per extent not skipped, and one for the last extent's end.
        Assert.Equal(Extents - 1 + 1, source.Reads);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 8, 9], seen.Select(s => s.Pe));
        Assert.All(seen, s => Assert.Equal(ExtentHeads.HeadBytes, s.Length));
        Assert.Equal(1, seen.Single(s => s.Pe == 4).Last);

        for (long pe = 0; pe < Extents; pe++)
        {
            // Extent 6's end comes with extent 7's head, which is skipped: not known, read when asked.
            var known = heads.TryFooterAtEnd(pe, out var uuid);
            Assert.Equal(pe != 6, known);
            Assert.Equal(known && ends.TryGetValue(pe, out var u) ? u : null, uuid);
            Assert.Equal(pe == 7 ? null : pe == 4, heads.HeadHasData(pe));
        }
    }

    [Fact]
    public void A_head_the_source_cuts_short_is_given_as_read_and_not_kept()
    {
        var grid = new ExtentGrid(PeStart, Extent, 2, "test");
        var bytes = new byte[PeStart + Extent + 1000];
        bytes[^1] = 7;
        var lengths = new List<int>();

        var heads = ExtentHeads.Read(new MemorySource(bytes), grid, _ => false, (_, head) => lengths.Add(head.Length), null);

        Assert.Equal([ExtentHeads.HeadBytes, 1000], lengths);
        Assert.Null(heads.HeadHasData(1));
        Assert.True(heads.TryFooterAtEnd(0, out _));
        Assert.False(heads.TryFooterAtEnd(1, out _));
    }

    private sealed class CountingSource(IByteSource inner) : IByteSource
    {
        public int Reads { get; private set; }

        public string Name => inner.Name;

        public long Length => inner.Length;

        public int ReadAt(long offset, Span<byte> buffer)
        {
            Reads++;
            return inner.ReadAt(offset, buffer);
        }
    }
}
