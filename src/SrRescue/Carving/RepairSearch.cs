using SrRescue.Diagnostics;

namespace SrRescue.Carving;

/// <summary>
/// Revises the guesses of the first sweep: where the allocation order had to choose, try the
/// other choices (later choices greedy again), best-first over the maps found so far, since two
/// guesses can be wrong together, going on from a better map as soon as one turns up; keep the
/// map that leaves fewer extents missing and fewer VHDs without their footer at the end of their
/// data, then the one whose guessed extents disagree less with the blocks running into them
/// (<see cref="SweepResult.Rank"/>).
/// </summary>
internal sealed class RepairSearch
{
    /// <summary>Bound on whole-PV sweeps while repairing ambiguous choices (each reuses cached scores).</summary>
    private const int MaxSweeps = 400;

    private readonly SweepSetup _setup;
    private readonly PriorityQueue<SweepResult, (int, int)> _queue = new();

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
                _queue.Enqueue(current, current.Rank);
            }
        }

        return _best;
    }

    /// <summary>
    /// Sweeps again with one of <paramref name="current"/>'s choices made otherwise, choice by
    /// choice, until one gives better maps than the best so far (then true) or none is left.
    /// </summary>
    private bool TryBetterFrom(SweepResult current)
    {
        foreach (var (decision, alternative) in current.Decisions.SelectMany(d => d.Alternatives.Select(o => (d, o))))
        {
            var forced = current.Forced.Revise(decision.Pe, alternative);
            if (_swept.Contains(forced))
            {
                continue;
            }

            var trial = Sweep(forced, null, (current, decision));
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
        _queue.Enqueue(result, result.Rank);
        return result;
    }
}
