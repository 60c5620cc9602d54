using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Xen;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Issue 14: what a carve reads does not grow with VHDs × free extents. A LUN read as a block
/// device (no holes known) with 48 VHDs written as libvhd writes them (<see cref="SimulatedLvhdVhd"/>):
/// each VHD's first 2 to 5 extents at the start, its last (the end of its last block and its
/// footer) at the end, 3 000 free extents of zeros between, which every VHD wants as its last.
/// Each free extent is read at the few places the VHDs predict there, once for the whole carve,
/// whichever VHDs and sweeps ask: the carve reads under 5 % of the LUN (the goal), counted
/// by the source itself. Before, each VHD scored each free extent, reading the 64 sectors a block
/// running in is checked at: 48 × 32 KiB of every 4 MiB extent, a third of the LUN.
/// </summary>
public sealed class CarveWorkBoundTests
{
    private const int Vhds = 48;
    private const long FreeExtents = 3_000;
    private const long Extent = SimulatedLvhdVhd.ExtentBytes;

    [Fact]
    public void Carving_many_vhds_reads_each_free_extent_at_a_few_places_once()
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "lun.img");
        var expected = MakeLun(path);
        try
        {
            using var file = FileSource.Open(path);
            var counting = new CountingSource(new HoleBlind(file));
            var result = Carver.Carve(counting, ExtentGrid.Default(file.Length), new HashSet<long>(), LvhdFooters.OnLv, new FindingLog());

            Assert.Equal(Vhds, result.Vdis.Count);
            foreach (var (uuid, pes) in expected)
            {
                Assert.Equal(pes, result.FindByVhdUuid(uuid)!.Vhd.Pes);
            }

            Assert.True(counting.Bytes < file.Length / 20,
                $"the carve read {counting.Bytes >> 20} MiB in {counting.Reads} reads of a {file.Length >> 20} MiB LUN with {Vhds} VHDs and {FreeExtents} free extents (bound: 5 %)");

            // The places asked in a free extent (its first sectors and its last, where a tail's
            // data or footer must be) are read once each, plus what every carve reads per extent
            // (its head with the sector before, once for the start scans, the footers at the
            // extents' ends and the check for unclaimed data; and that check's read of the middle
            // of an extent whose head is zeros): a few reads per extent, not per VHD. 13,966 here;
            // 20,349 when each pass read the heads and ends apart.
            Assert.True(counting.Reads < 5 * FreeExtents, $"{counting.Reads} reads for {FreeExtents} free extents and {Vhds} VHDs");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes the LUN (a sparse file: only the VHDs' bytes take room); returns each VHD's extents as laid out.</summary>
    private static Dictionary<Guid, List<long>> MakeLun(string path)
    {
        var rnd = new Random(14);
        var firsts = Enumerable.Range(0, Vhds).Select(v => 2 + (v % 4)).ToList();
        var startRegion = (long)firsts.Sum();
        var lastPe = startRegion + FreeExtents + Vhds;
        var expected = new Dictionary<Guid, List<long>>();
        using var image = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
        image.SetLength(ExtentGrid.XenServerPeStartBytes + (lastPe * Extent));
        var next = 0L;
        for (var v = 0; v < Vhds; v++)
        {
            List<long> pes = [.. Enumerable.Range(0, firsts[v]).Select(i => next + i), startRegion + FreeExtents + v];
            next += firsts[v];
            var uuid = SimulatedLun.RandomUuid(rnd);
            var vhd = new SimulatedLvhdVhd(uuid, 64L << 20, 2 * Extent, null, null, 0x30000000u + (uint)v, (at, bytes) => SimulatedLun.Write(image, pes, at, bytes));
            vhd.Inflate(pes.Count * Extent);

            // Whole blocks of random data up to the one running into the last extent: its data
            // there is not zeros, so only the extent that holds it fits (as the memory test's).
            for (var block = 0; block < 2 * (pes.Count - 2); block++)
            {
                vhd.Write(block, 0, SimulatedLun.RandomBytes(rnd, SimulatedLvhdVhd.BlockBytes));
            }

            vhd.Close();
            expected[uuid] = pes;
        }

        return expected;
    }

    /// <summary>A source that counts the reads asked of it and the bytes they return.</summary>
    private sealed class CountingSource(IByteSource inner) : IByteSource
    {
        public long Reads { get; private set; }

        public long Bytes { get; private set; }

        public string Name => inner.Name;

        public long Length => inner.Length;

        public int ReadAt(long offset, Span<byte> buffer)
        {
            var n = inner.ReadAt(offset, buffer);
            Reads++;
            Bytes += n;
            return n;
        }
    }
}
