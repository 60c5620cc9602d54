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
/// </summary>
internal sealed class ExtentMapBuilder
{
    /// <summary>Candidates within this score of the best are rivals.</summary>
    private const double RivalMargin = 1.0;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly ExtentProbes _probes;
    private readonly ExtentScoreCache _scores;
    private readonly HashSet<long> _claimed;
    private readonly FindingLog _log;

    public ExtentMapBuilder(IByteSource pv, ExtentGrid grid, IEnumerable<long> reserved, FindingLog log)
    {
        _pv = pv;
        _grid = grid;
        _probes = new ExtentProbes(pv, grid);
        _scores = new ExtentScoreCache(new ExtentScorer(pv, grid, _probes));
        _claimed = [.. reserved];
        _log = log;
    }

    public IReadOnlySet<long> Claimed => _claimed;

    public List<CarvedVhd> Build(IReadOnlyList<VhdStart> starts, IProgress<WorkProgress>? progress)
    {
        foreach (var s in starts)
        {
            _claimed.Add(s.Pe);
        }

        var e = _grid.ExtentSizeBytes;
        var needed = starts.ToDictionary(s => s, s => Math.Max(1, (s.EndOfDataBytes + e - 1) / e));
        var baseClaimed = new HashSet<long>(_claimed);

        var best = Sweep(starts, needed, ForcedChoices.None, baseClaimed, progress);
        var sweeps = 1;

        // Repair: where the allocation order had to choose, try the other choices (later choices
        // greedy again), best-first over the maps found so far, since two guesses can be wrong
        // together, going on from a better map as soon as one turns up; keep the map that leaves fewer extents missing and fewer VHDs without their
        // footer at the end of their data, then the one whose guessed extents disagree less with
        // the blocks running into them.
        var queue = new PriorityQueue<SweepResult, (int, int)>();
        var seen = new HashSet<ForcedChoices> { best.Forced };
        queue.Enqueue(best, (best.Penalty, best.Disagreements));
        while (queue.TryDequeue(out var current, out _) && (best.Penalty > 0 || best.Disagreements > 0) && sweeps < MaxSweeps)
        {
            var better = false;
            foreach (var (d, alt) in current.Decisions.SelectMany(d => d.Options.Where(o => o != d.Chosen).Select(o => (d, o))))
            {
                var forced = current.Forced.Revise(d.Pe, alt);
                if (!seen.Add(forced))
                {
                    continue;
                }

                var trial = Sweep(starts, needed, forced, baseClaimed, null, (current, d));
                sweeps++;
                queue.Enqueue(trial, (trial.Penalty, trial.Disagreements));
                better = trial.Penalty < best.Penalty || (trial.Penalty == best.Penalty && trial.Disagreements < best.Disagreements);
                best = better ? trial : best;
                if (better || sweeps >= MaxSweeps)
                {
                    break;
                }
            }

            if (better)
            {
                // Go on from the better map first; this one's untried choices stay for later.
                queue.Enqueue(current, (current.Penalty, current.Disagreements));
            }
        }

        _claimed.UnionWith(best.Claimed);
        foreach (var d in best.Decisions)
        {
            // A guess: the structures fit several VHDs and the allocation order chose. It can be
            // wrong (RandomSrCarveTests), so it is a warning and the carve does not exit 0.
            ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.extent.ambiguous", "PV extent", _grid.OffsetOf(d.Pe),
                $"{ExtentSpace.Extent(_pv, d.Pe)} fits VHDs {string.Join(", ", d.Options.Select(o => o.VhdUuid))} about as well; given to {d.Chosen.VhdUuid} ({d.Why}): a guess, check the disks it decides");
        }

        var result = new List<CarvedVhd>();
        foreach (var s in starts)
        {
            var map = best.Maps[s];
            for (var k = map.Count; k < needed[s]; k++)
            {
                map.Add(new CarvedExtent(k, -1, ExtentConfidence.None, 0, ["no free extent fits"], []));
                ExtentSpace.Log(_log, _pv, Severity.Error, "carve.extent.missing", "carved LV", _grid.OffsetOf(s.Pe),
                    $"VHD {s.VhdUuid}: no free extent fits logical extent {k}; it reads as zeros");
            }

            var footer = AddTail(s, map);
            var unplaced = s.BlocksByOffset().Where(b => Unplaced(map, b.BitmapOffsetBytes / e) || Unplaced(map, (b.BitmapOffsetBytes + 512 + s.BlockSizeBytes - 1) / e))
                .Select(b => b.Block).ToList();
            result.Add(new CarvedVhd(s, map, footer, unplaced, _grid));
        }

        return result;
    }

    /// <summary>Bound on whole-PV sweeps while repairing ambiguous choices (each reuses cached scores).</summary>
    private const int MaxSweeps = 400;

    private static bool Unplaced(List<CarvedExtent> map, long le) => le < map.Count && map[(int)le].Pe < 0;

    /// <param name="Counts">How many extents each map had when the choice was made (with the next two, the state to resume from).</param>
    private sealed record Decision(long Pe, IReadOnlyList<VhdStart> Options, VhdStart Chosen, string Why, Dictionary<VhdStart, int> Counts,
        int DisagreementsBefore, Dictionary<VhdStart, long> MirrorsBefore);

    private sealed record SweepResult(Dictionary<VhdStart, List<CarvedExtent>> Maps, List<Decision> Decisions,
        ForcedChoices Forced, HashSet<long> Claimed, int Penalty, int Disagreements);

    /// <summary>
    /// Walks the free extents in ascending order. LVM hands out free extents lowest first, so the
    /// physical order is the order of allocation: each free extent is the next logical extent of
    /// one of the VHDs still growing. The bitmap offsets shift by the block stride's excess over
    /// 2 MiB per extent, so an extent's structure says which logical index it is; when several
    /// VHDs need that index, a clearly better score wins, then (unless forced) the VHD whose run
    /// it continues, then the one that grew earliest (lowest previous extent: VDIs grow in turns).
    /// </summary>
    private SweepResult Sweep(IReadOnlyList<VhdStart> starts, Dictionary<VhdStart, long> needed, ForcedChoices forced,
        HashSet<long> baseClaimed, IProgress<WorkProgress>? progress, (SweepResult From, Decision At)? resume = null)
    {
        var maps = starts.ToDictionary(s => s, s => new List<CarvedExtent> { new(0, s.Pe, ExtentConfidence.High, 0, [$"footer copy and cxsparse at {ExtentSpace.Describe(_pv, s.OffsetBytes)}"], []) });
        var claimed = new HashSet<long>(baseClaimed);
        var decisions = new List<Decision>();
        long first = 0;

        // A choice between rivals for logical extent k is checked where it shows: in the chosen
        // extent, and in the extent each losing rival takes as its k next (its mirror). Both get
        // the whole block that runs in from k-1; sectors that disagree with its bitmap count
        // against the map.
        var disagreements = 0;
        var mirrors = new Dictionary<VhdStart, long>();
        if (resume is { } r)
        {
            // Everything before the decision is as in the sweep it came from: start there.
            foreach (var s in starts)
            {
                maps[s] = r.From.Maps[s].Take(r.At.Counts[s]).ToList();
                claimed.UnionWith(maps[s].Select(x => x.Pe));
            }

            decisions.AddRange(r.From.Decisions.TakeWhile(d => d.Pe < r.At.Pe));
            disagreements = r.At.DisagreementsBefore;
            mirrors = new Dictionary<VhdStart, long>(r.At.MirrorsBefore);
            first = r.At.Pe;
        }

        var incomplete = starts.Count(s => maps[s].Count < needed[s]);
        for (var pe = first; pe < _grid.ExtentCount && incomplete > 0; pe++)
        {
            if (pe % 64 == 0)
            {
                progress?.Report(new WorkProgress("placing extents", pe * _grid.ExtentSizeBytes, _grid.ExtentCount * _grid.ExtentSizeBytes));
            }

            // Extents a sparse source knows to be holes: never anybody's data.
            if (claimed.Contains(pe) || _probes.IsHole(pe))
            {
                continue;
            }

            Prefetch(starts, needed, maps, pe);
            var fits = new List<(VhdStart Vhd, ExtentScore Score, long Prev)>();
            foreach (var s in starts)
            {
                var map = maps[s];
                var prev = map[^1].Pe;
                if (map.Count >= needed[s] || prev >= pe)
                {
                    continue;
                }

                var sc = _scores.Score(s, map.Count, pe, prev, map.Count >= 2 ? map[1].Pe : -1);
                if (!sc.Rejected && sc.HasStructure)
                {
                    fits.Add((s, sc, prev));
                }
            }

            if (fits.Count == 0)
            {
                continue;
            }

            var best = fits.Max(f => f.Score.Score);
            var rivals = fits.Where(f => f.Score.Score >= best - RivalMargin).ToList();
            var fewest = 0;
            if (rivals.Count > 1)
            {
                // Settle with the whole block that runs in from each rival's previous extent.
                var deep = rivals.Select(r => (Rival: r, Run: _scores.DeepRunIn(r.Vhd, maps[r.Vhd].Count, pe, r.Prev))).ToList();
                fewest = deep.Min(d => d.Run.Disagree);
                rivals = deep.Where(d => d.Run.Disagree == fewest).Select(d => d.Rival).ToList();
            }

            var chosen = rivals.FirstOrDefault(f => forced.TryGet(pe, out var v) && f.Vhd == v);
            var why = "chosen where the default led to a worse map";
            if (chosen.Vhd is null)
            {
                chosen = rivals.FirstOrDefault(f => f.Prev == pe - 1);
                why = "it continues that VHD's run (allocation order)";
            }

            if (chosen.Vhd is null)
            {
                chosen = rivals.OrderBy(f => f.Prev).First();
                why = "that VHD grew earliest (lowest previous extent: VDIs grow in turns)";
            }

            var others = rivals.Where(f => f.Vhd != chosen.Vhd).ToList();
            var evidence = chosen.Score.Evidence.ToList();
            var contradicted = false;
            if (others.Count > 0)
            {
                decisions.Add(new Decision(pe, rivals.Select(r => r.Vhd).ToList(), chosen.Vhd, why, maps.ToDictionary(m => m.Key, m => m.Value.Count),
                    disagreements, new Dictionary<VhdStart, long>(mirrors)));
                evidence.Add($"fits VHDs {string.Join(", ", others.Select(o => o.Vhd.VhdUuid))} about as well; chosen because {why}");
                disagreements += fewest;
                foreach (var o in others)
                {
                    mirrors[o.Vhd] = maps[o.Vhd].Count;
                }
            }
            else if (mirrors.TryGetValue(chosen.Vhd, out var k) && k == maps[chosen.Vhd].Count)
            {
                var run = _scores.DeepRunIn(chosen.Vhd, k, pe, chosen.Prev);
                disagreements += run.Disagree;
                contradicted = run.Disagree > 0;
                if (contradicted)
                {
                    evidence.Add($"{run.Disagree} sectors of the block running in disagree with its bitmap: an earlier choice may have been wrong");
                }
            }

            mirrors.Remove(chosen.Vhd);

            // Which VHDs need which index here depends on every earlier choice: once the allocation
            // order had to decide anywhere, a lone fit is only as sure as those choices, unless the
            // extent names its VHD itself (a footer with its uuid).
            var confidence = others.Count > 0 ? ExtentConfidence.Medium : ExtentConfidence.High;
            if (confidence == ExtentConfidence.High && decisions.Count > 0 && !chosen.Score.EndsWithFooter)
            {
                confidence = ExtentConfidence.Medium;
                evidence.Add("the only VHD this extent fits, but earlier choices by allocation order decided which VHDs still needed this logical extent");
            }

            confidence = contradicted ? ExtentConfidence.Low : confidence;
            var map0 = maps[chosen.Vhd];
            map0.Add(new CarvedExtent(map0.Count, pe, confidence, chosen.Score.Score, evidence,
                others.Select(o => o.Vhd.Pe).ToList()));
            claimed.Add(pe);
            incomplete -= map0.Count == needed[chosen.Vhd] ? 1 : 0;
        }

        var penalty = 0;
        foreach (var s in starts)
        {
            var map = maps[s];
            penalty += (int)(needed[s] - map.Count) * 10;
            if (map.Count == needed[s] && !_probes.EndsWithFooter(map[^1].Pe, s.VhdUuid))
            {
                penalty += 1;
            }
        }

        return new SweepResult(maps, decisions, forced, claimed, penalty, disagreements);
    }

    /// <summary>The first bitmap place each VHD that wants this extent predicts (for its next index and the two beside it), read together.</summary>
    private void Prefetch(IReadOnlyList<VhdStart> starts, Dictionary<VhdStart, long> needed, Dictionary<VhdStart, List<CarvedExtent>> maps, long pe) =>
        _scores.Prefetch(pe, starts.Where(s => maps[s].Count < needed[s] && maps[s][^1].Pe < pe)
            .Select(s => (s, (long)maps[s].Count, maps[s].Count >= 2 ? maps[s][1].Pe : -1)));

    /// <summary>
    /// The LV ends with the primary footer (xenserver-lvhd.md 2.3). When the last data extent
    /// does not end with it, the LV was inflated past its data: the footer is in a later free
    /// extent, and the free extents between belong to the LV by allocation order (Low).
    /// </summary>
    private bool AddTail(VhdStart s, List<CarvedExtent> map)
    {
        var last = map[^1].Pe;
        if (last >= 0 && _probes.EndsWithFooter(last, s.VhdUuid))
        {
            return true;
        }

        for (var pe = Math.Max(0, last + 1); pe < _grid.ExtentCount; pe++)
        {
            if (_claimed.Contains(pe) || !_probes.EndsWithFooter(pe, s.VhdUuid))
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
