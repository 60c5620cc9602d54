using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Fuzz;
using SrRescue.Tests.Support;
using SrRescue.Xen;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Issue 14: a carve's memory does not grow with extents × VHDs. A LUN of 160 GiB read as a block
/// device (no holes known) with 48 VHDs written as libvhd writes them (<see cref="SimulatedLvhdVhd"/>):
/// each VHD's first two extents at the start, its third (the end of its last block and its
/// footer) at the end, 40 000 free extents between. Every VHD wants every free extent as its
/// third, so each is scored 48 times: about 2 M answers, which the carve kept before its caches
/// were bounded (the managed heap grew by about 500 MiB here; gigabytes on a LUN of terabytes).
/// The bound is read from the runtime's own figure, <see cref="GC.GetTotalMemory(bool)"/>, at
/// every progress report of the carve: the bytes allocated and not yet collected, and when that
/// passes the bound, the live heap after a full collection (after the rest of the suite the
/// runtime lets hundreds of MiB of garbage gather before it collects: 277 MiB seen here, though
/// the live heap stayed under 50). Runs alone (the figure is process-wide).
/// </summary>
[Collection(nameof(MutationFuzzTests))]
public sealed class CarveMemoryBoundTests
{
    private const int Vhds = 48;
    private const long FreeExtents = 40_000;
    private const long Extent = SimulatedLvhdVhd.ExtentBytes;

    /// <summary>
    /// Growth of the managed heap allowed while carving. The CLI's runtime, code and stacks take
    /// about 40 MiB besides the heap, so this keeps the whole process under the 200 MiB.
    /// </summary>
    private const long HeapGrowthBoundBytes = 128L << 20;

    [Fact]
    public void Carving_a_large_lun_with_many_vhds_keeps_the_heap_bounded()
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "lun.img");
        var expected = MakeLun(path);
        try
        {
            using var file = FileSource.Open(path);
            var grid = ExtentGrid.Default(file.Length);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var peak = new PeakHeap(GC.GetTotalMemory(forceFullCollection: true), HeapGrowthBoundBytes);
            var result = Carver.Carve(new HoleBlind(file), grid, new HashSet<long>(), LvhdFooters.OnLv, new FindingLog(), peak);

            Assert.True(peak.Reports > 1000, $"only {peak.Reports} progress reports: the heap was hardly sampled");
            Assert.Equal(Vhds, result.Vdis.Count);
            foreach (var (uuid, pes) in expected)
            {
                Assert.Equal(pes, result.FindByVhdUuid(uuid)!.Vhd.Pes);
            }

            Assert.True(peak.GrowthBytes < HeapGrowthBoundBytes,
                $"the managed heap grew by {peak.GrowthBytes >> 20} MiB while carving {FreeExtents} free extents for {Vhds} VHDs (bound {HeapGrowthBoundBytes >> 20} MiB)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes the LUN (a sparse file: only the VHDs' bytes take room); returns each VHD's extents as laid out.</summary>
    private static Dictionary<Guid, List<long>> MakeLun(string path)
    {
        var lastPe = (3L * Vhds) + FreeExtents;
        var expected = new Dictionary<Guid, List<long>>();
        var rnd = new Random(14);
        using var image = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
        image.SetLength(ExtentGrid.XenServerPeStartBytes + (lastPe * Extent));
        for (var v = 0; v < Vhds; v++)
        {
            List<long> pes = [2L * v, (2L * v) + 1, (2L * Vhds) + FreeExtents + v];
            var uuid = SimulatedLun.RandomUuid(rnd);
            var vhd = new SimulatedLvhdVhd(uuid, 64L << 20, 2 * Extent, null, null, 0x30000000u + (uint)v, (at, bytes) => SimulatedLun.Write(image, pes, at, bytes));
            vhd.Write(0, 0, SimulatedLun.RandomBytes(rnd, 4096));
            vhd.Inflate(3 * Extent);

            // A whole block: its data running into the third extent is not zeros, so no free extent fits it.
            vhd.Write(1, 0, SimulatedLun.RandomBytes(rnd, SimulatedLvhdVhd.BlockBytes));
            vhd.Close();
            expected[uuid] = pes;
        }

        return expected;
    }

    /// <summary>The largest managed heap seen at the carve's progress reports, above the heap before it (live, once past the bound).</summary>
    private sealed class PeakHeap(long baseline, long bound) : IProgress<WorkProgress>
    {
        private long _max;

        public int Reports { get; private set; }

        public long GrowthBytes => Math.Max(0, _max - baseline);

        public void Report(WorkProgress value)
        {
            Reports++;
            var now = GC.GetTotalMemory(forceFullCollection: false);
            if (now - baseline >= bound)
            {
                now = GC.GetTotalMemory(forceFullCollection: true);
            }

            _max = Math.Max(_max, now);
        }
    }
}
