using SrRescue.Diagnostics;

namespace SrRescue.Carving;

/// <summary>
/// Revises the guesses of the first sweep: where the allocation order had to choose, try the
/// other choices (later choices greedy again), best-first over the maps found so far, since two
/// guesses can be wrong together, going on from a better map as soon as one turns up; keep the
/// map that leaves fewer extents missing and fewer VHDs without their footer at the end of their
/// data, then the one whose guessed extents disagree less with the blocks running into them
/// (<see cref="SweepResult.Rank"/>). A repair sweep resumes from the maps of the sweep it revises
/// where those are still kept (the last <see cref="KeptMaps"/> sweeps'), else sweeps from the start
/// with the same forced choices, which leads to the same maps: what a sweep holds at an extent
/// depends only on the choices forced before it. So the memory of the search does not grow with
/// its sweeps × the VHDs' extents.
/// </summary>
internal sealed class RepairSearch
{
    /// <summary>Bound on whole-PV sweeps while repairing ambiguous choices (each reuses cached scores).</summary>
    private const int MaxSweeps = 400;

    /// <summary>Sweeps whose maps are kept to resume from (each holds every VHD's extents with their evidence).</summary>
    private const int KeptMaps = 16;

    private readonly SweepSetup _setup;
    private readonly PriorityQueue<Queued, (int, int)> _queue = new();

    /// <summary>The queued sweeps that still hold their maps, oldest first.</summary>
    private readonly Queue<Queued> _withMaps = new();

    /// <summary>The sets of forced choices swept already: each is swept once.</summary>
    private readonly HashSet<ForcedChoices> _swept = [];

    private SweepResult _best;
    private int _sweeps;

    private RepairSearch(SweepSetup setup, IProgress<WorkProgress>? progress)
    {
        _setup = setup;
        _best = Sweep(ForcedChoices.None, progress, null);
    }

    /// <summary>The best maps found: the first sweep's, or a revision of it with fewer faults.</summary>
    public static SweepResult FindBest(SweepSetup setup, IProgress<WorkProgress>? progress) => new RepairSearch(setup, progress).Run();

    private SweepResult Run()
    {
        while (_queue.TryDequeue(out var current, out _) && !_best.IsFaultless && _sweeps < MaxSweeps)
        {
            if (TryBetterFrom(current))
            {
                // Go on from the better map first; this one's untried choices stay for later.
                _queue.Enqueue(current, current.Result.Rank);
            }
        }

        return _best;
    }

    /// <summary>
    /// Sweeps again with one of <paramref name="current"/>'s choices made otherwise, choice by
    /// choice, until one gives better maps than the best so far (then true) or none is left.
    /// </summary>
    private bool TryBetterFrom(Queued current)
    {
        foreach (var (decision, alternative) in current.Result.Decisions.SelectMany(d => d.Alternatives.Select(o => (d, o))))
        {
            var forced = current.Result.Forced.Revise(decision.Pe, alternative);
            if (_swept.Contains(forced))
            {
                continue;
            }

            var trial = Sweep(forced, null, current.HasMaps ? (current.Result, decision) : null);
            var better = trial.IsBetterThan(_best);
            _best = better ? trial : _best;
            if (better || _sweeps >= MaxSweeps)
            {
                return better;
            }
        }

        return false;
    }

    private SweepResult Sweep(ForcedChoices forced, IProgress<WorkProgress>? progress, (SweepResult From, Decision At)? resume)
    {
        _swept.Add(forced);
        var result = ExtentSweep.Run(_setup, forced, progress, resume);
        _sweeps++;
        var queued = new Queued(result);
        _queue.Enqueue(queued, result.Rank);
        _withMaps.Enqueue(queued);
        if (_withMaps.Count > KeptMaps)
        {
            _withMaps.Dequeue().DropMaps();
        }

        return result;
    }

    /// <summary>A sweep waiting for its choices to be revised; its maps are resumed from while it holds them.</summary>
    private sealed class Queued(SweepResult result)
    {
        private static readonly Dictionary<VhdStart, IReadOnlyList<CarvedExtent>> NoMaps = [];

        public SweepResult Result { get; private set; } = result;

        public bool HasMaps { get; private set; } = true;

        /// <summary>Keeps only what the search needs of it: its choices, the choices forced, its rank.</summary>
        public void DropMaps()
        {
            Result = Result with { Maps = NoMaps, Claimed = new HashSet<long>() };
            HasMaps = false;
        }
    }
}
