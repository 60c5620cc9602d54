using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>One image's map while it is built: the extents placed, and the logical extents whose tables fit nowhere.</summary>
internal sealed class Qcow2MapState(Qcow2Start start, Qcow2Layout layout)
{
    public Qcow2Start Start { get; } = start;

    public Qcow2Layout Layout { get; set; } = layout;

    public SortedDictionary<long, CarvedExtent> Placed { get; } = [];

    /// <summary>Logical extents that should hold tables no free extent holds, with why.</summary>
    public Dictionary<long, string> TablesNotFound { get; } = [];
}

/// <summary>
/// Rebuilds the extent maps of the carved QCOW2 images from their own structures, in two steps
/// around the VHD carve (Carver): <see cref="PlaceByStructure"/> places every extent that holds a
/// table the image expects there (each image on its own, <see cref="Qcow2StructurePass"/>, then
/// all at once: an extent goes to one image, the structure decides, fits about as good are
/// rivals and allocation order chooses) and the data extents lying in a run between two such
/// extents; <see cref="Complete"/> places the remaining data extents by allocation order
/// (<see cref="Qcow2OrderPlacement"/>) once the VHDs have taken theirs.
/// </summary>
internal sealed class Qcow2ExtentMapBuilder
{
    /// <summary>Rounds of re-reading an image whose choices the resolution among images changed.</summary>
    private const int MaxRounds = 4;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly FindingLog _log;
    private readonly IProgress<WorkProgress>? _progress;
    private readonly HashSet<long> _claimed = [];
    private readonly List<Qcow2MapState> _states = [];

    public Qcow2ExtentMapBuilder(IByteSource pv, ExtentGrid grid, FindingLog log, IProgress<WorkProgress>? progress)
    {
        _pv = pv;
        _grid = grid;
        _log = log;
        _progress = progress;
    }

    /// <summary>The extents the QCOW2 images have taken so far (their first extents among them).</summary>
    public IReadOnlySet<long> Claimed => _claimed;

    /// <param name="blocked">Extents no image may take: reserved by metadata, or the first extent of a VHD.</param>
    public void PlaceByStructure(IReadOnlyList<Qcow2Start> starts, IReadOnlySet<long> blocked)
    {
        _claimed.UnionWith(starts.Select(s => s.Pe));
        var index = new Qcow2TableIndex(_pv, _grid, pe => blocked.Contains(pe) || _claimed.Contains(pe), _progress);
        var plans = starts.ToDictionary(s => s, s => Qcow2StructurePass.Verify(s, _pv, _grid, index, new Dictionary<long, long>(), _ => false));
        var resolved = Qcow2Resolution.Resolve(plans.Values);
        var coverage = new Qcow2Coverage();
        coverage.Remember(plans.Values, resolved);
        for (var round = 1; round < MaxRounds; round++)
        {
            // An image that lost a choice to another reads its tables again from what it was given:
            // what it learnt from the extent it lost may have named other tables.
            var changed = plans.Values.Where(p => p.Slots.Any(s => (s.Chosen?.Pe ?? -1) != resolved[(p.Start, s.K)].Pe)).Select(p => p.Start).ToList();
            if (changed.Count == 0)
            {
                break;
            }

            foreach (var s in changed)
            {
                var forced = plans[s].Slots.Where(x => resolved[(s, x.K)].Pe >= 0).ToDictionary(x => x.K, x => resolved[(s, x.K)].Pe);
                var others = resolved.Where(r => r.Key.Start != s && r.Value.Pe >= 0).Select(r => r.Value.Pe).ToHashSet();
                plans[s] = Qcow2StructurePass.Verify(s, _pv, _grid, index, forced, others.Contains);
            }

            resolved = Qcow2Resolution.Resolve(plans.Values);
            coverage.Remember(plans.Values, resolved);
        }

        var final = resolved.ToDictionary(r => r.Key, r => coverage.Final(r.Key.Start, r.Key.K, r.Value));
        foreach (var s in starts)
        {
            var plan = plans[s];
            var state = new Qcow2MapState(s, plan.Layout);
            state.Placed[0] = new CarvedExtent(0, s.Pe, ExtentConfidence.High, 0, plan.StartEvidence, []);
            foreach (var slot in plan.Slots)
            {
                var r = coverage.Settle(plans, final, plan, slot);
                if (r.Pe >= 0)
                {
                    state.Placed[slot.K] = new CarvedExtent(slot.K, r.Pe, r.Confidence, r.Score, r.Evidence, r.Rivals);
                    _claimed.Add(r.Pe);
                }
                else
                {
                    state.TablesNotFound[slot.K] = string.Join("; ", r.Evidence);
                }
            }

            CapBelowRoots(plan, state);
            Report(plan, state);
            _states.Add(state);
        }

        foreach (var state in _states)
        {
            FillRuns(state, blocked);
        }
    }

    /// <summary>Places the rest by allocation order; <paramref name="taken"/>: extents the VHDs or the metadata have.</summary>
    public List<CarvedQcow2> Complete(Func<long, bool> taken)
    {
        var placement = new Qcow2OrderPlacement(_pv, _grid, _log, pe => taken(pe) || _claimed.Contains(pe), pe => _claimed.Add(pe));
        return placement.Complete(_states);
    }

    /// <summary>
    /// Once the tables that name others (refcount and L1 tables, refcount blocks) were placed with
    /// less than certainty, what was read through them is only as sure.
    /// </summary>
    private static void CapBelowRoots(Qcow2StructurePlan plan, Qcow2MapState state)
    {
        var doubtful = plan.Slots.Where(s => s.HoldsRoots && (!state.Placed.TryGetValue(s.K, out var x) || x.Confidence < ExtentConfidence.High))
            .Select(s => s.K).DefaultIfEmpty(long.MaxValue).Min();
        foreach (var k in state.Placed.Keys.Where(k => k > doubtful).ToList())
        {
            var x = state.Placed[k];
            if (x.Confidence == ExtentConfidence.High)
            {
                state.Placed[k] = x with { Confidence = ExtentConfidence.Medium, Evidence = [.. x.Evidence, $"the tables of logical extent {doubtful}, which name this extent's, were placed with less than certainty"] };
            }
        }
    }

    private void Report(Qcow2StructurePlan plan, Qcow2MapState state)
    {
        var s = plan.Start;
        var where = _grid.OffsetOf(s.Pe);
        foreach (var (k, problem) in plan.Contradictions)
        {
            ExtentSpace.Log(_log, _pv, Severity.Error, "carve.qcow2.table-damaged", "carved QCOW2", where,
                $"QCOW2 at {ExtentSpace.Extent(_pv, s.Pe)}, logical extent {k}: {problem}; what it would name is unknown");
        }

        foreach (var x in state.Placed.Values.Where(x => x.Le > 0))
        {
            if (x.Evidence.Any(e => e.EndsWith(": damaged", StringComparison.Ordinal)))
            {
                ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.qcow2.table-damaged", "PV extent", _grid.OffsetOf(x.Pe),
                    $"QCOW2 at {ExtentSpace.Extent(_pv, s.Pe)}: {ExtentSpace.Extent(_pv, x.Pe)} is its logical extent {x.Le} by tables with damaged entries; the entries that are wrong read as nothing");
            }

            if (x.Confidence == ExtentConfidence.Medium && x.RivalVhdStartPes.Count > 0)
            {
                ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.qcow2.extent-ambiguous", "PV extent", _grid.OffsetOf(x.Pe),
                    $"{ExtentSpace.Extent(_pv, x.Pe)} fits the QCOW2 images at extents {string.Join(", ", x.RivalVhdStartPes)} about as well as the one at {s.Pe}; given to {s.Pe} as its logical extent {x.Le}: a guess, check the disks it decides");
            }
            else if (x.Confidence == ExtentConfidence.Medium && x.Evidence.FirstOrDefault(e => e.Contains("fit its tables about as well", StringComparison.Ordinal)) is { } own)
            {
                ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.qcow2.extent-ambiguous", "PV extent", _grid.OffsetOf(x.Pe),
                    $"QCOW2 at {ExtentSpace.Extent(_pv, s.Pe)}: the tables of its logical extent {x.Le} fit more than one extent ({own}): {ExtentSpace.Extent(_pv, x.Pe)} is a guess");
            }
        }

        if (s.Header.SnapshotCount > 0)
        {
            ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.qcow2.snapshots", "carved QCOW2", where,
                $"QCOW2 at {ExtentSpace.Extent(_pv, s.Pe)} has {s.Header.SnapshotCount} internal snapshots: their tables are not followed, only their clusters' refcounts count");
        }
    }

    /// <summary>
    /// Data extents between two extents placed by structure that lie exactly one run apart
    /// (physical distance = logical distance, every extent between free): the run is the LV's.
    /// Still only allocation order says so, hence Low.
    /// </summary>
    private void FillRuns(Qcow2MapState state, IReadOnlySet<long> blocked)
    {
        var anchors = state.Placed.Values.ToList();
        for (var i = 0; i + 1 < anchors.Count; i++)
        {
            var (a, b) = (anchors[i], anchors[i + 1]);
            if (b.Le - a.Le < 2 || b.Pe - a.Pe != b.Le - a.Le)
            {
                continue;
            }

            var between = Enumerable.Range(1, (int)(b.Le - a.Le - 1)).Select(d => a.Pe + d).ToList();
            if (between.Any(pe => blocked.Contains(pe) || _claimed.Contains(pe)))
            {
                continue;
            }

            foreach (var pe in between)
            {
                var k = a.Le + (pe - a.Pe);
                state.Placed[k] = new CarvedExtent(k, pe, ExtentConfidence.Low, 0,
                    [Qcow2OrderPlacement.DataOnly(state, k), $"it lies in the one run from logical extent {a.Le} ({ExtentSpace.Extent(_pv, a.Pe)}) to {b.Le} ({ExtentSpace.Extent(_pv, b.Pe)}), which their tables place (allocation order)"],
                    []);
                _claimed.Add(pe);
            }
        }
    }
}
