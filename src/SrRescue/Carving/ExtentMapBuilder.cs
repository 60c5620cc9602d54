using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// Rebuilds the logical-to-physical extent map of every carved VHD at once, one logical extent
/// index per round (vhd.md 6.5): each VHD that still needs extent k scores the free extents after
/// its extent k-1 (LVM takes free extents in ascending runs, and a thin VDI's later extents come
/// after its earlier ones); an extent goes to one VHD at most. Where several extents fit about as
/// well, the allocation order decides (contiguous with k-1, then the lowest) and the choice is
/// marked Medium with its rivals listed; where a later extent contradicts such a choice, Low.
/// Choices are then revised best-first (missing extents and footers first, then sectors that
/// contradict their bitmap). Extents a sparse image knows to be holes are never read.
/// <see cref="ExtentSweep"/> places, <see cref="RepairSearch"/> revises, reading and scoring
/// through <see cref="ExtentProbes"/> and <see cref="ExtentScoreCache"/>; this type says which
/// choices were guesses and ends each map: its missing extents, its tail to the primary footer.
/// </summary>
internal sealed class ExtentMapBuilder
{
    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly ExtentProbes _probes;
    private readonly ExtentScoreCache _scores;
    private readonly HashSet<long> _claimed;
    private readonly FindingLog _log;
    private readonly long _repairBudgetBytes;

    /// <param name="repairBudgetBytes">What the repair search's queued choices may take (<see cref="RepairSearch.QueueBudgetBytes"/>).</param>
    /// <param name="heads">What the pass over the extents' heads read (the footers at their ends), when there was one.</param>
    public ExtentMapBuilder(IByteSource pv, ExtentGrid grid, IEnumerable<long> reserved, FindingLog log, long repairBudgetBytes = RepairSearch.QueueBudgetBytes,
        ExtentHeads? heads = null)
    {
        _pv = pv;
        _grid = grid;
        _probes = new ExtentProbes(pv, grid, heads);
        _scores = new ExtentScoreCache(new ExtentScorer(pv, grid, _probes));
        _claimed = [.. reserved];
        _log = log;
        _repairBudgetBytes = repairBudgetBytes;
    }

    public IReadOnlySet<long> Claimed => _claimed;

    /// <summary>What the last <see cref="Build"/>'s repair search took.</summary>
    public RepairStats? Repair { get; private set; }

    public List<CarvedVhd> Build(IReadOnlyList<VhdStart> starts, IProgress<WorkProgress>? progress)
    {
        foreach (var s in starts)
        {
            _claimed.Add(s.Pe);
        }

        var e = _grid.ExtentSizeBytes;
        var needed = starts.ToDictionary(s => s, s => Math.Max(1, (s.EndOfDataBytes + e - 1) / e));
        var places = new PredictedPlaces(starts, needed, e);
        var setup = new SweepSetup(_pv, _grid, starts, needed, new HashSet<long>(_claimed), places, new PlaceFacts(_pv, _grid, places), _probes, _scores);
        var (best, repair) = RepairSearch.FindBest(setup, progress, _repairBudgetBytes);
        Repair = repair;
        _claimed.UnionWith(best.Claimed);
        if (repair.DroppedSweeps > 0)
        {
            ExtentSpace.Log(_log, _pv, Severity.Info, "carve.repair.bounded", "extent maps", _grid.OffsetOf(0),
                $"the search for better choices between rival VHDs dropped {repair.DroppedSweeps} of its {repair.Sweeps} sweeps to keep its memory bounded: the choices it did not revise stay guesses");
        }

        foreach (var d in best.Decisions)
        {
            // A guess: the structures fit several VHDs and the allocation order chose. It can be
            // wrong (RandomSrCarveTests), so it is a warning and the carve does not exit 0.
            ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.extent.ambiguous", "PV extent", _grid.OffsetOf(d.Pe),
                $"{ExtentSpace.Extent(_pv, d.Pe)} fits VHDs {string.Join(", ", d.OptionVhds.Select(o => o.VhdUuid))} about as well; given to {d.Chosen.VhdUuid} ({d.Why}): a guess, check the disks it decides");
        }

        // In the order found: a VHD's tail takes free extents before the next VHD looks for its own.
        var choices = best.Decisions.ToDictionary(d => d.Pe);
        var footers = TailFooters.Find(_probes, _grid, [.. starts.Select(s => (s.VhdUuid, Last: LastData(best.Maps[s], needed[s]))).Where(v => !EndsWithFooter(v.Last, v.VhdUuid))],
            _claimed, progress);
        var result = new List<CarvedVhd>();
        foreach (var s in starts)
        {
            result.Add(Complete(s, WithRivals(best.Maps[s], choices), needed[s], footers));
        }

        return result;
    }

    /// <summary>
    /// The placed extents with the rivals of the choices that gave them (the sweeps keep those as
    /// numbers in the choice only, <see cref="Decision"/>): listed by their first extents, and named
    /// in the evidence with why the extent went to this VHD.
    /// </summary>
    private static List<CarvedExtent> WithRivals(IReadOnlyList<CarvedExtent> placed, Dictionary<long, Decision> choices) =>
        [.. placed.Select(x => x.Pe >= 0 && choices.TryGetValue(x.Pe, out var d) ? x with
        {
            Evidence = [.. x.Evidence, $"fits VHDs {string.Join(", ", d.Alternatives.Select(o => o.VhdUuid))} about as well; chosen because {d.Why}"],
            RivalVhdStartPes = [.. d.Alternatives.Select(o => o.Pe)],
        } : x)];

    /// <summary>
    /// The VHD's carved map: the extents the sweeps placed, zeros for the logical extents they
    /// could not, and the tail to its primary footer; with the blocks left unplaced.
    /// </summary>
    private CarvedVhd Complete(VhdStart s, List<CarvedExtent> map, long needed, Dictionary<Guid, List<long>> footers)
    {
        for (var k = map.Count; k < needed; k++)
        {
            map.Add(new CarvedExtent(k, -1, ExtentConfidence.None, 0, ["no free extent fits"], []));
            ExtentSpace.Log(_log, _pv, Severity.Error, "carve.extent.missing", "carved LV", _grid.OffsetOf(s.Pe),
                $"VHD {s.VhdUuid}: no free extent fits logical extent {k}; it reads as zeros");
        }

        var footer = AddTail(s, map, footers);
        var e = _grid.ExtentSizeBytes;
        var unplaced = s.BlocksByOffset().Where(b => Unplaced(map, b.BitmapOffsetBytes / e) || Unplaced(map, (b.BitmapOffsetBytes + 512 + s.BlockSizeBytes - 1) / e))
            .Select(b => b.Block).ToList();
        return new CarvedVhd(s, map, footer, unplaced, _grid);
    }

    private static bool Unplaced(List<CarvedExtent> map, long le) => le < map.Count && map[(int)le].Pe < 0;

    /// <summary>The extent the VHD's data ends in: its last placed, or -1 when one is missing.</summary>
    private static long LastData(IReadOnlyList<CarvedExtent> placed, long needed) => placed.Count < needed ? -1 : placed[^1].Pe;

    private bool EndsWithFooter(long last, Guid uuid) => last >= 0 && _probes.EndsWithFooter(last, uuid);

    /// <summary>
    /// The LV ends with the primary footer (xenserver-lvhd.md 2.3). When the last data extent
    /// does not end with it, the LV was inflated past its data: the footer is in a later free
    /// extent (the first still free of <paramref name="footers"/>' after the data, <see cref="TailFooters"/>),
    /// and the free extents between belong to the LV by allocation order (Low).
    /// </summary>
    private bool AddTail(VhdStart s, List<CarvedExtent> map, Dictionary<Guid, List<long>> footers)
    {
        var last = map[^1].Pe;
        if (EndsWithFooter(last, s.VhdUuid))
        {
            return true;
        }

        foreach (var pe in footers[s.VhdUuid])
        {
            if (pe <= last || _claimed.Contains(pe))
            {
                continue;
            }

            for (var between = last + 1; between < pe; between++)
            {
                if (!_claimed.Contains(between))
                {
                    map.Add(new CarvedExtent(map.Count, between, ExtentConfidence.Low, 0, ["slack between the data and the primary footer (allocation order)"], []));
                    _claimed.Add(between);
                }
            }

            map.Add(new CarvedExtent(map.Count, pe, ExtentConfidence.High, 8, [$"primary footer at {ExtentSpace.Describe(_pv, _grid.OffsetOf(pe) + _grid.ExtentSizeBytes - 512)}"], []));
            _claimed.Add(pe);
            return true;
        }

        ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.footer.missing", "carved LV", _grid.OffsetOf(map[0].Pe),
            $"VHD {s.VhdUuid}: no primary footer with its uuid at the end of an extent; the LV is taken to end with its data");
        return false;
    }
}
