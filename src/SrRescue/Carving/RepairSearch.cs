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
/// its sweeps × the VHDs' extents. The queued sweeps keep their choices (rivals as numbers,
/// <see cref="Decision"/>) within a budget of bytes: past it the worst-ranked are dropped, so the
/// memory does not grow with sweeps × choices × rivals either (<see cref="RepairStats"/>).
/// </summary>
internal sealed class RepairSearch
{
    /// <summary>Bound on whole-PV sweeps while repairing ambiguous choices (each reuses cached scores).</summary>
    private const int MaxSweeps = 400;

    /// <summary>What the progress of the repair sweeps is called (counted in sweeps, at most <see cref="MaxSweeps"/> after the first).</summary>
    private const string RevisingPhase = "revising guesses";

    /// <summary>Sweeps whose maps are kept to resume from (each holds every VHD's extents with their evidence).</summary>
    private const int KeptMaps = 16;

    /// <summary>
    /// What the queued sweeps' choices may take (<see cref="Decision.EstimatedBytes"/>, each sweep
    /// counted whole though a resumed sweep shares the choices before its resume point with the
    /// one it came from). A sweep of a thousand choices between hundreds of VHDs takes about 140 KiB:
    /// a hundred such sweeps stay queued. The random SRs of the tests and benches keep far fewer
    /// bytes queued (nothing is dropped, the search is the one it was without a budget).
    /// </summary>
    public const long QueueBudgetBytes = 16L << 20;

    private readonly SweepSetup _setup;
    private readonly long _budgetBytes;
    private readonly IProgress<WorkProgress>? _progress;
    private readonly PriorityQueue<Queued, (int, int)> _queue = new();

    /// <summary>The queued sweeps that still hold their maps, oldest first.</summary>
    private readonly Queue<Queued> _withMaps = new();

    /// <summary>The sets of forced choices swept already: each is swept once.</summary>
    private readonly HashSet<ForcedChoices> _swept = [];

    private SweepResult _best;
    private long _queuedBytes;
    private long _peakQueuedBytes;
    private long _sweptChoiceBytes;
    private int _dropped;

    private RepairSearch(SweepSetup setup, long budgetBytes, IProgress<WorkProgress>? progress)
    {
        _setup = setup;
        _budgetBytes = budgetBytes;
        _progress = progress;
        _best = Sweep(ForcedChoices.None, progress, null);
    }

    /// <summary>The best maps found: the first sweep's, or a revision of it with fewer faults; with what the search took.</summary>
    public static (SweepResult Best, RepairStats Stats) FindBest(SweepSetup setup, IProgress<WorkProgress>? progress, long budgetBytes = QueueBudgetBytes)
    {
        var search = new RepairSearch(setup, budgetBytes, progress);
        var best = search.Run();
        return (best, new RepairStats(search._swept.Count, search._dropped, search._peakQueuedBytes, search._sweptChoiceBytes));
    }

    private SweepResult Run()
    {
        while (_queue.TryDequeue(out var current, out _) && !_best.IsFaultless && _swept.Count < MaxSweeps)
        {
            _queuedBytes -= current.Bytes;
            if (TryBetterFrom(current))
            {
                // Go on from the better map first; this one's untried choices stay for later.
                Enqueue(current);
            }
        }

        if (_swept.Count > 1)
        {
            // The line ends at what was swept: the search stops early when nothing is left to revise.
            _progress?.Report(new WorkProgress(RevisingPhase, _swept.Count - 1, _swept.Count - 1, "sweeps"));
        }

        return _best;
    }

    /// <summary>
    /// Sweeps again with one of <paramref name="current"/>'s choices made otherwise, choice by
    /// choice from where it stopped last, until one gives better maps than the best so far (then
    /// true) or none is left.
    /// </summary>
    private bool TryBetterFrom(Queued current)
    {
        var decisions = current.Result.Decisions;
        for (; current.Choice < decisions.Count; current.Choice++, current.Alternative = 0)
        {
            var decision = decisions[current.Choice];
            var alternatives = decision.Alternatives.ToList();
            while (current.Alternative < alternatives.Count)
            {
                var forced = current.Result.Forced.Revise(decision.Pe, alternatives[current.Alternative++]);
                if (_swept.Contains(forced))
                {
                    continue;
                }

                _progress?.Report(new WorkProgress(RevisingPhase, _swept.Count - 1, MaxSweeps - 1, "sweeps"));
                var trial = Sweep(forced, null, current.HasMaps ? (current.Result, decision) : null);
                var better = trial.IsBetterThan(_best);
                _best = better ? trial : _best;
                if (better || _swept.Count >= MaxSweeps)
                {
                    return better;
                }
            }
        }

        return false;
    }

    private SweepResult Sweep(ForcedChoices forced, IProgress<WorkProgress>? progress, (SweepResult From, Decision At)? resume)
    {
        _swept.Add(forced);
        var result = ExtentSweep.Run(_setup, forced, progress, resume);
        var queued = new Queued(result, _swept.Count);
        _sweptChoiceBytes += queued.Bytes;
        _withMaps.Enqueue(queued);
        if (_withMaps.Count > KeptMaps)
        {
            _withMaps.Dequeue().DropMaps();
        }

        Enqueue(queued);
        return result;
    }

    /// <summary>Queues the sweep, then drops the worst-ranked queued sweeps (the latest of equals) while their choices take more than the budget.</summary>
    private void Enqueue(Queued queued)
    {
        _queue.Enqueue(queued, queued.Result.Rank);
        _queuedBytes += queued.Bytes;
        while (_queuedBytes > _budgetBytes && _queue.Count > 0)
        {
            var worst = _queue.UnorderedItems.MaxBy(q => (q.Priority, q.Element.Number)).Element;
            _queue.Remove(worst, out _, out _);
            _queuedBytes -= worst.Bytes;
            worst.DropMaps();
            _dropped++;
        }

        _peakQueuedBytes = Math.Max(_peakQueuedBytes, _queuedBytes);
    }

    /// <summary>
    /// A sweep waiting for its choices to be revised (those before <see cref="Choice"/> and, of it,
    /// the alternatives before <see cref="Alternative"/> were tried); its maps are resumed from
    /// while it holds them.
    /// </summary>
    private sealed class Queued(SweepResult result, int number)
    {
        private static readonly Dictionary<VhdStart, IReadOnlyList<CarvedExtent>> NoMaps = [];

        public SweepResult Result { get; private set; } = result;

        /// <summary>The how-manieth sweep it is (1: the first).</summary>
        public int Number { get; } = number;

        /// <summary>What its choices take (<see cref="Decision.EstimatedBytes"/>).</summary>
        public long Bytes { get; } = result.Decisions.Sum(d => (long)d.EstimatedBytes);

        public bool HasMaps { get; private set; } = true;

        public int Choice { get; set; }

        public int Alternative { get; set; }

        /// <summary>Keeps only what the search needs of it: its choices, the choices forced, its rank.</summary>
        public void DropMaps()
        {
            Result = Result with { Maps = NoMaps, Claimed = new HashSet<long>() };
            HasMaps = false;
        }
    }
}

/// <summary>
/// What one repair search took: the sweeps made (the first included), the queued sweeps dropped to
/// keep their choices within the budget, the most bytes the queued sweeps' choices took at once,
/// and what all the sweeps' choices took together (what an unbounded queue would have held at most).
/// </summary>
internal sealed record RepairStats(int Sweeps, int DroppedSweeps, long PeakQueuedBytes, long SweptChoiceBytes);
