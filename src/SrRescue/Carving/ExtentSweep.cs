using SrRescue.Diagnostics;

namespace SrRescue.Carving;

/// <summary>
/// One pass over the free extents in ascending order, placing each as the next logical extent of
/// one VHD. LVM hands out free extents lowest first, so the physical order is the order of
/// allocation: each free extent is the next logical extent of one of the VHDs still growing. The
/// bitmap offsets shift by the block stride's excess over 2 MiB per extent, so an extent's
/// structure says which logical index it is; when several VHDs need that index, a clearly better
/// score wins, then (unless forced) the VHD whose run it continues, then the one that grew
/// earliest (lowest previous extent: VDIs grow in turns). A repair sweep resumes at a choice of
/// an earlier sweep, forced to choose otherwise there (<see cref="RepairSearch"/>). An extent is
/// scored only for the VHDs whose first predicted structure it holds (<see cref="WantingVhds"/>):
/// the others would be rejected, so the choices are those of scoring every VHD that wants it.
/// </summary>
internal sealed class ExtentSweep
{
    /// <summary>Candidates within this score of the best are rivals.</summary>
    private const double RivalMargin = 1.0;

    private readonly SweepSetup _setup;
    private readonly ForcedChoices _forced;
    private readonly Dictionary<VhdStart, List<CarvedExtent>> _maps;

    /// <summary>The extents this sweep's maps hold (the setup's claims are checked apart: they can be many, and every sweep shares them).</summary>
    private readonly HashSet<long> _placed = [];
    private readonly List<Decision> _decisions = [];

    // A choice between rivals for logical extent k is checked where it shows: in the chosen
    // extent, and in the extent each losing rival takes as its k next (its mirror). Both get
    // the whole block that runs in from k-1; sectors that disagree with its bitmap count
    // against the map. By VHD number: the logical extent whose extent is a mirror, -1 none. A
    // choice keeps no copy of them: a repair sweep resuming at it replays them (ReplayMirrors).
    private readonly long[] _mirrors;
    private int _disagreements;

    /// <summary>The first extent looked at: 0, or the extent of the choice a repair sweep revises.</summary>
    private readonly long _first;

    /// <summary>The VHDs still growing, by the place their next extent predicts.</summary>
    private readonly WantingVhds _wanting;

    /// <summary>Numbers (indexes in the starts) of the VHDs not wanting yet, by their first extent: each wants the extents after it.</summary>
    private readonly Queue<int> _notStarted;

    private readonly List<int> _candidates = [];

    /// <summary>The fits of the extent looked at, and the rivals among them (made again for each extent, kept to spare the allocations).</summary>
    private readonly List<Fit> _fits = [];
    private readonly List<Fit> _rivals = [];
    private readonly List<int> _disagree = [];

    /// <summary>Where each VHD still growing waits (by number): the place its next extent predicts, or those of a tail.</summary>
    private readonly IReadOnlyList<int>[] _waitingAt;

    /// <summary>A VHD the extent fits as its next logical extent: its number, the score, and the VHD's extent before.</summary>
    private readonly record struct Fit(int Number, VhdStart Vhd, ScoredExtent Score, long Prev);

    private ExtentSweep(SweepSetup setup, ForcedChoices forced, (SweepResult From, Decision At)? resume)
    {
        _setup = setup;
        _forced = forced;
        _maps = setup.Starts.ToDictionary(s => s, s => new List<CarvedExtent> { FirstExtent(s) });
        _mirrors = new long[setup.Starts.Count];
        Array.Fill(_mirrors, -1L);
        if (resume is { } r)
        {
            // Everything before the decision is as in the sweep it came from: start there. Each
            // map then held its first extent and those placed before the decision's extent
            // (a sweep places a VHD's extents in ascending order).
            foreach (var s in setup.Starts)
            {
                _maps[s] = r.From.Maps[s].TakeWhile((x, k) => k == 0 || x.Pe < r.At.Pe).ToList();
                _placed.UnionWith(_maps[s].Select(x => x.Pe));
            }

            _decisions.AddRange(r.From.Decisions.TakeWhile(d => d.Pe < r.At.Pe));
            _disagreements = r.At.DisagreementsBefore;
            ReplayMirrors();
            _first = r.At.Pe;
        }

        _wanting = new WantingVhds(setup.Places.Count);
        _waitingAt = new IReadOnlyList<int>[setup.Starts.Count];
        var growing = Enumerable.Range(0, setup.Starts.Count).Where(i => _maps[setup.Starts[i]].Count < setup.Needed[setup.Starts[i]]).ToList();
        foreach (var i in growing.Where(i => setup.Starts[i].Pe < _first))
        {
            StartWanting(i);
        }

        _notStarted = new Queue<int>(growing.Where(i => setup.Starts[i].Pe >= _first).OrderBy(i => setup.Starts[i].Pe));
    }

    /// <summary>Sweeps from the first extent, or on from <paramref name="resume"/>'s decision as the sweep it came from left the maps there.</summary>
    public static SweepResult Run(SweepSetup setup, ForcedChoices forced, IProgress<WorkProgress>? progress, (SweepResult From, Decision At)? resume = null) =>
        new ExtentSweep(setup, forced, resume).Run(progress);

    private SweepResult Run(IProgress<WorkProgress>? progress)
    {
        var grid = _setup.Grid;
        var incomplete = _setup.Starts.Count(s => _maps[s].Count < _setup.Needed[s]);
        for (var pe = _first; pe < grid.ExtentCount && incomplete > 0; pe++)
        {
            if (pe % 64 == 0)
            {
                progress?.Report(new WorkProgress("placing extents", pe * grid.ExtentSizeBytes, grid.ExtentCount * grid.ExtentSizeBytes));
            }

            // A VHD wants the extents after its last one; its first is its start.
            while (_notStarted.TryPeek(out var i) && _setup.Starts[i].Pe < pe)
            {
                StartWanting(_notStarted.Dequeue());
            }

            // Extents a sparse source knows to be holes: never anybody's data.
            if (_setup.Claimed.Contains(pe) || _placed.Contains(pe) || _setup.Probes.IsHole(pe))
            {
                continue;
            }

            var fits = Fits(pe);
            if (fits.Count > 0)
            {
                var vhd = Place(pe, fits);
                incomplete -= _maps[vhd].Count == _setup.Needed[vhd] ? 1 : 0;
            }
        }

        var maps = _maps.ToDictionary(m => m.Key, m => (IReadOnlyList<CarvedExtent>)m.Value);
        return new SweepResult(maps, _decisions, _forced, _placed, Penalty(), _disagreements);
    }

    private CarvedExtent FirstExtent(VhdStart s) =>
        new(0, s.Pe, ExtentConfidence.High, 0, [$"footer copy and cxsparse at {ExtentSpace.Describe(_setup.Pv, s.OffsetBytes)}"], []);

    /// <summary>
    /// VHD number i wants its next logical extent k, in extents holding what k's place needs; a k
    /// with no bitmap nor batmap, in extents with data where the block running in is checked or a
    /// footer at their end, unless a blank extent fits it too (then in any).
    /// </summary>
    private void StartWanting(int i)
    {
        var s = _setup.Starts[i];
        var map = _maps[s];
        var place = _setup.Places.Of(s, map.Count);
        _waitingAt[i] = place != PredictedPlaces.None ? [place]
            : _setup.Scores.BlankExtentAgrees(s, map.Count, map[^1].Pe) ? [PredictedPlaces.None]
            : _setup.Places.ForTail;
        _wanting.Add(i, _waitingAt[i]);
    }

    /// <summary>
    /// Sets the mirrors as they were just before the extent a repair sweep resumes at, from the
    /// maps and choices taken over from the sweep it revises: in the order of the extents, each
    /// choice marks its losers' mirrors at the logical extent each needed then (<see cref="Decide"/>),
    /// and each extent placed clears its VHD's (<see cref="Place"/>).
    /// </summary>
    private void ReplayMirrors()
    {
        var placed = new List<(long Pe, int Number)>();
        for (var i = 0; i < _setup.Starts.Count; i++)
        {
            placed.AddRange(_maps[_setup.Starts[i]].Skip(1).Select(x => (x.Pe, i)));
        }

        placed.Sort();
        var extents = new long[_setup.Starts.Count];
        Array.Fill(extents, 1L);
        var next = 0;
        foreach (var (pe, number) in placed)
        {
            if (next < _decisions.Count && _decisions[next].Pe == pe)
            {
                foreach (var loser in _decisions[next].Options.Where(o => o != number))
                {
                    _mirrors[loser] = extents[loser];
                }

                next++;
            }

            _mirrors[number] = -1;
            extents[number]++;
        }
    }

    /// <summary>The extent a VHD's map holds as logical extent 1, where its batmap is (-1: not placed yet).</summary>
    private static long ExtentOne(List<CarvedExtent> map) => map.Count >= 2 ? map[1].Pe : -1;

    /// <summary>
    /// The VHDs wanting this extent whose structures it fits as their next logical extent, in the
    /// order of the starts (a list kept for the next extent's fits). Only the candidates are
    /// scored (<see cref="WantingVhds"/>).
    /// </summary>
    private List<Fit> Fits(long pe)
    {
        _wanting.Candidates(pe, _setup.Facts, _candidates);
        var fits = _fits;
        fits.Clear();
        foreach (var i in _candidates)
        {
            var s = _setup.Starts[i];
            var map = _maps[s];
            var score = _setup.Scores.Score(s, map.Count, pe, map[^1].Pe, ExtentOne(map));
            if (!score.Rejected && score.HasStructure)
            {
                fits.Add(new Fit(i, s, score, map[^1].Pe));
            }
        }

        return fits;
    }

    /// <summary>Gives the extent to one of the VHDs it fits, with how sure that is; returns that VHD.</summary>
    private VhdStart Place(long pe, List<Fit> fits)
    {
        var (rivals, fewest) = Rivals(pe, fits);
        var (chosen, why) = Choose(pe, rivals);
        var hadRivals = rivals.Count > 1;
        var map = _maps[chosen.Vhd];
        var evidence = _setup.Scores.Evidence(chosen.Vhd, map.Count, pe, ExtentOne(map), chosen.Score.RunIn);
        var contradicted = false;
        if (hadRivals)
        {
            // The rivals are worded for the best maps only (ExtentMapBuilder), from the choice.
            Decide(pe, rivals, chosen, why, fewest);
        }
        else
        {
            contradicted = ContradictsAnEarlierChoice(pe, chosen, ref evidence);
        }

        _mirrors[chosen.Number] = -1;
        var confidence = Confidence(hadRivals, contradicted, chosen.Score, ref evidence);
        _wanting.Remove(chosen.Number, _waitingAt[chosen.Number]);
        map.Add(new CarvedExtent(map.Count, pe, confidence, chosen.Score.Score, evidence, []));
        _placed.Add(pe);
        if (map.Count < _setup.Needed[chosen.Vhd])
        {
            StartWanting(chosen.Number);
        }

        return chosen.Vhd;
    }

    /// <summary>
    /// The fits within <see cref="RivalMargin"/> of the best; of several, those whose block running
    /// in from their previous extent has the fewest sectors disagreeing with its bitmap (that number too).
    /// </summary>
    private (List<Fit> Rivals, int Fewest) Rivals(long pe, List<Fit> fits)
    {
        var best = fits.Max(f => f.Score.Score);
        var rivals = _rivals;
        rivals.Clear();
        foreach (var f in fits)
        {
            if (f.Score.Score >= best - RivalMargin)
            {
                rivals.Add(f);
            }
        }

        if (rivals.Count <= 1)
        {
            return (rivals, 0);
        }

        // Settle with the whole block that runs in from each rival's previous extent.
        _disagree.Clear();
        foreach (var r in rivals)
        {
            _disagree.Add(_setup.Scores.DeepRunIn(r.Vhd, _maps[r.Vhd].Count, pe, r.Prev).Disagree);
        }

        var fewest = _disagree.Min();
        var kept = 0;
        for (var i = 0; i < rivals.Count; i++)
        {
            if (_disagree[i] == fewest)
            {
                rivals[kept++] = rivals[i];
            }
        }

        rivals.RemoveRange(kept, rivals.Count - kept);
        return (rivals, fewest);
    }

    /// <summary>The rival the extent goes to, and why: forced, else the allocation order's.</summary>
    private (Fit Chosen, string Why) Choose(long pe, List<Fit> rivals)
    {
        if (_forced.TryGet(pe, out var forced))
        {
            foreach (var f in rivals)
            {
                if (f.Vhd == forced)
                {
                    return (f, "chosen where the default led to a worse map");
                }
            }
        }

        foreach (var f in rivals)
        {
            if (f.Prev == pe - 1)
            {
                return (f, "it continues that VHD's run (allocation order)");
            }
        }

        var earliest = rivals[0];
        foreach (var f in rivals)
        {
            earliest = f.Prev < earliest.Prev ? f : earliest;
        }

        return (earliest, "that VHD grew earliest (lowest previous extent: VDIs grow in turns)");
    }

    /// <summary>Keeps a choice between rivals with the state to resume from, and marks where each loser's mirror will be.</summary>
    private void Decide(long pe, List<Fit> rivals, Fit chosen, string why, int fewest)
    {
        _decisions.Add(new Decision(pe, VhdNumberSet.Of(rivals.ConvertAll(r => r.Number)), chosen.Vhd, why, _disagreements, _setup.Starts));
        _disagreements += fewest;
        foreach (var o in rivals)
        {
            if (o.Number != chosen.Number)
            {
                _mirrors[o.Number] = _maps[o.Vhd].Count;
            }
        }
    }

    /// <summary>Whether this extent is the mirror of a rivalry the VHD lost and its block running in disagrees with its bitmap.</summary>
    private bool ContradictsAnEarlierChoice(long pe, Fit chosen, ref ExtentEvidence evidence)
    {
        var k = _mirrors[chosen.Number];
        if (k != _maps[chosen.Vhd].Count)
        {
            return false;
        }

        var run = _setup.Scores.DeepRunIn(chosen.Vhd, k, pe, chosen.Prev);
        _disagreements += run.Disagree;
        if (run.Disagree > 0)
        {
            evidence = evidence.With($"{run.Disagree} sectors of the block running in disagree with its bitmap: an earlier choice may have been wrong");
        }

        return run.Disagree > 0;
    }

    private ExtentConfidence Confidence(bool hadRivals, bool contradicted, ScoredExtent score, ref ExtentEvidence evidence)
    {
        // Which VHDs need which index here depends on every earlier choice: once the allocation
        // order had to decide anywhere, a lone fit is only as sure as those choices, unless the
        // extent names its VHD itself (a footer with its uuid).
        var confidence = hadRivals ? ExtentConfidence.Medium : ExtentConfidence.High;
        if (confidence == ExtentConfidence.High && _decisions.Count > 0 && !score.EndsWithFooter)
        {
            confidence = ExtentConfidence.Medium;
            evidence = evidence.With("the only VHD this extent fits, but earlier choices by allocation order decided which VHDs still needed this logical extent");
        }

        return contradicted ? ExtentConfidence.Low : confidence;
    }

    /// <summary>10 for every extent left missing, 1 for every VHD whose data does not end with its footer.</summary>
    private int Penalty()
    {
        var penalty = 0;
        foreach (var s in _setup.Starts)
        {
            var map = _maps[s];
            penalty += (int)(_setup.Needed[s] - map.Count) * 10;
            if (map.Count == _setup.Needed[s] && !_setup.Probes.EndsWithFooter(map[^1].Pe, s.VhdUuid))
            {
                penalty += 1;
            }
        }

        return penalty;
    }
}
