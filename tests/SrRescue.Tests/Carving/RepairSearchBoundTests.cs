using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Issue 14: the repair search's memory does not grow with sweeps × choices × rivals. A LUN read
/// as a block device with VHDs that grow in turns, one extent each per round in a random order,
/// all with the same layout and the same sparse blocks (as the benches' random SRs of hundreds of
/// VDIs): the structures fit every VHD still wanting a logical index equally, so each round's
/// extents are choices between up to all the VHDs. One VHD's primary footer is gone, so no map is
/// faultless and the search sweeps as long as it may. Each queued sweep keeps its choices; the
/// queue's are counted (<see cref="RepairStats"/>, <see cref="Decision.EstimatedBytes"/>), and
/// held within the budget by dropping the worst-ranked sweeps. Before, each choice listed its
/// rivals as references and kept the sweep's rival-to-mirror map as it stood: a LUN of 2 TiB with
/// 306 VHDs grew past a GiB in the repair sweeps. The sweeps, minutes long at that size, are
/// counted on the progress line.
/// </summary>
public sealed class RepairSearchBoundTests
{
    private const int Vhds = 24;
    private const int Rounds = 3;
    private const long Extent = SimulatedLvhdVhd.ExtentBytes;

    /// <summary>A budget a few sweeps' choices fill here (a sweep's take about 10 KiB).</summary>
    private const long SmallBudgetBytes = 48L << 10;

    [Fact]
    public void The_queued_choices_stay_within_the_budget_and_every_wrong_extent_stays_a_guess()
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "lun.img");
        var expected = MakeLun(path);
        try
        {
            using var file = FileSource.Open(path);
            var log = new FindingLog();
            var (vhds, stats) = Build(new HoleBlind(file), SmallBudgetBytes, log);

            // The search ran as long as it may, with far more choices than the budget holds.
            Assert.Equal(400, stats.Sweeps);
            Assert.True(stats.SweptChoiceBytes > 20 * SmallBudgetBytes, $"the sweeps' choices took {stats.SweptChoiceBytes} bytes in all: too few rivals to test a bound");
            Assert.True(stats.PeakQueuedBytes <= SmallBudgetBytes, $"the queued choices took {stats.PeakQueuedBytes} bytes (budget {SmallBudgetBytes})");
            Assert.True(stats.DroppedSweeps > 0);
            Assert.Contains(log, f => f.Code == "carve.repair.bounded");

            // A shorter search may keep worse guesses, never a confident wrong answer.
            Assert.Equal(Vhds, vhds.Count);
            var wrong = 0;
            foreach (var vhd in vhds)
            {
                var truth = expected[vhd.VhdUuid];
                Assert.Equal(truth.Count, vhd.Extents.Count);
                foreach (var x in vhd.Extents.Where(x => x.Pe != truth[(int)x.Le]))
                {
                    wrong++;
                    Assert.True(x.Confidence <= ExtentConfidence.Medium, $"VHD {vhd.VhdUuid} logical extent {x.Le} at {x.Pe}, not {truth[(int)x.Le]}, is {x.Confidence}");
                }
            }

            Assert.True(wrong > 0, "the structures told the VHDs apart: no choice between rivals was tested");
            Assert.Contains(vhds.SelectMany(v => v.Extents), x => x.RivalVhdStartPes.Count >= Vhds / 2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_budget_not_reached_changes_nothing()
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "lun.img");
        MakeLun(path);
        try
        {
            using var file = FileSource.Open(path);
            var (bounded, stats) = Build(new HoleBlind(file), RepairSearch.QueueBudgetBytes, new FindingLog());
            var (unbounded, _) = Build(new HoleBlind(file), long.MaxValue, new FindingLog());

            Assert.Equal(0, stats.DroppedSweeps);
            Assert.Equal(unbounded.Count, bounded.Count);
            for (var i = 0; i < bounded.Count; i++)
            {
                Assert.Equal(unbounded[i].Extents, bounded[i].Extents, (a, b) => a.Pe == b.Pe && a.Confidence == b.Confidence
                    && a.Evidence.SequenceEqual(b.Evidence) && a.RivalVhdStartPes.SequenceEqual(b.RivalVhdStartPes));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_repair_sweeps_are_counted_on_the_progress_line_as_they_go()
    {
        // At 2 TiB the repair sweeps took minutes with nothing shown after "placing extents".
        var path = Path.Combine(Fixtures.NewTempDir(), "lun.img");
        MakeLun(path);
        try
        {
            using var file = FileSource.Open(path);
            var progress = new Recorded();
            var (_, stats) = Build(new HoleBlind(file), RepairSearch.QueueBudgetBytes, new FindingLog(), progress);

            var sweeps = progress.Reports.Where(r => r.What == "revising guesses").ToList();
            Assert.All(sweeps, r => Assert.Equal("sweeps", r.Unit));
            Assert.Equal(Enumerable.Range(0, stats.Sweeps - 1).Select(n => (long)n), sweeps.SkipLast(1).Select(r => r.Done));
            Assert.All(sweeps.SkipLast(1), r => Assert.Equal(399, r.Total));
            Assert.Equal((stats.Sweeps - 1L, stats.Sweeps - 1L), (sweeps[^1].Done, sweeps[^1].Total));
            Assert.Contains(progress.Reports, r => r.What == "placing extents" && r.Unit is null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Recorded : IProgress<WorkProgress>
    {
        public List<WorkProgress> Reports { get; } = [];

        public void Report(WorkProgress value) => Reports.Add(value);
    }

    private static (List<CarvedVhd> Vhds, RepairStats Stats) Build(HoleBlind lun, long budgetBytes, FindingLog log, IProgress<WorkProgress>? progress = null)
    {
        var grid = ExtentGrid.Default(lun.Length);
        var starts = Carver.FindStarts(lun, grid, new HashSet<long>(), log, null).Vhd;
        var builder = new ExtentMapBuilder(lun, grid, [], log, budgetBytes);
        var vhds = builder.Build(starts, progress);
        return (vhds, builder.Repair!);
    }

    /// <summary>
    /// Writes the LUN (a sparse file): each VHD's first two extents (metadata, batmap) side by side,
    /// then <see cref="Rounds"/> rounds in which every VHD takes one more extent, in a random
    /// order. Each LV is made at its final size, its blocks written one sector each (the same
    /// sector in every VHD). Returns each VHD's extents as laid out.
    /// </summary>
    private static Dictionary<Guid, List<long>> MakeLun(string path)
    {
        var rnd = new Random(14);
        var pes = Enumerable.Range(0, Vhds).Select(v => new List<long> { 2L * v, (2L * v) + 1 }).ToList();
        var next = 2L * Vhds;
        for (var round = 0; round < Rounds; round++)
        {
            var turns = Enumerable.Range(0, Vhds).ToArray();
            rnd.Shuffle(turns);
            foreach (var v in turns)
            {
                pes[v].Add(next++);
            }
        }

        var expected = new Dictionary<Guid, List<long>>();
        using var image = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
        image.SetLength(ExtentGrid.XenServerPeStartBytes + (next * Extent));
        var sector = SimulatedLun.RandomBytes(rnd, SimulatedLvhdVhd.SectorBytes);
        for (var v = 0; v < Vhds; v++)
        {
            var lv = pes[v];
            var uuid = SimulatedLun.RandomUuid(rnd);

            // A new block's frame is zeroed, and only its first sectors can hold a stale byte (the
            // footer at the old end of data): in a new sparse file the rest reads as zeros unwritten.
            var vhd = new SimulatedLvhdVhd(uuid, 64L << 20, lv.Count * Extent, null, null, 0x30000000u + (uint)v,
                (at, bytes) => SimulatedLun.Write(image, lv, at, bytes.Length > 4096 && !bytes.AsSpan().ContainsAnyExcept((byte)0) ? bytes[..4096] : bytes));
            for (var block = 0; block < 2 * (lv.Count - 2); block++)
            {
                vhd.Write(block, 0, sector);
            }

            vhd.Close();
            expected[uuid] = lv;
        }

        // The first VHD's primary footer is gone: no map is faultless, the search goes on.
        image.Position = ExtentGrid.XenServerPeStartBytes + ((pes[0][^1] + 1) * Extent) - SimulatedLvhdVhd.SectorBytes;
        image.Write(new byte[SimulatedLvhdVhd.SectorBytes]);
        return expected;
    }
}
