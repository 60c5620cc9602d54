namespace SrRescue.Carving;

/// <summary>
/// The scorer's answers, kept for the whole carve: a repair sweep asks again most of what the
/// sweep it revises asked. An extent's own structure as logical extent k is kept per VHD, k,
/// extent and the VHD's extent 1 (whose batmap it is checked against), whatever came before it;
/// the block running in per VHD, k, extent and the extent before. Each in a cache of bounded size
/// (<see cref="BoundedCache{TKey, TValue}"/>): these keys grow with extents x VHDs (gigabytes on a
/// LUN of terabytes with hundreds of VHDs); what was dropped is scored again when asked for.
/// </summary>
internal sealed class ExtentScoreCache(ExtentScorer scorer)
{
    /// <summary>
    /// Per VHD, its batmap as read from the last extent 1 asked about: one bit per block of the
    /// virtual size, a 32nd of the BAT its start holds already, so one each for every VHD (with
    /// hundreds of VHDs, a cache of a few hundred read them again for every extent scored).
    /// </summary>
    private readonly Dictionary<long, (long Pe1, byte[]? Bits)> _batmaps = [];

    /// <summary>Values (<see cref="ExtentScore"/>): the entries are no objects, and one dropped leaves no garbage.</summary>
    private readonly BoundedCache<(long Start, long K, long Pe, long Pe1), ExtentScore> _structure = new(1 << 16);

    private readonly BoundedCache<(long Start, long K, long Pe, long Prev), (double Score, ExtentEvidence.Sign? Sign)> _runIn = new(1 << 16);
    private readonly BoundedCache<(long Start, long K, long Pe, long Prev), (int Agree, int Disagree)> _deep = new(1 << 16);

    /// <summary>
    /// The extent's score as logical extent k: its own structure (scored once per VHD, k and
    /// batmap, whatever came before; most candidates fail here) plus the block running in from k-1.
    /// </summary>
    /// <param name="prev">The extent chosen for logical extent k-1.</param>
    /// <param name="pe1">The extent chosen for logical extent 1, where the batmap is (-1: none yet).</param>
    public ScoredExtent Score(VhdStart s, long k, long pe, long prev, long pe1)
    {
        var key = (s.Pe, k, pe, pe1);
        if (!_structure.TryGetValue(key, out var own))
        {
            own = scorer.Structure(s, k, pe, Batmap(s, pe1));
            _structure.Set(key, own);
        }

        if (own.Rejected)
        {
            return ScoredExtent.Of(own, (0, null));
        }

        if (!_runIn.TryGetValue((s.Pe, k, pe, prev), out var runIn))
        {
            runIn = scorer.RunIn(s, k, pe, prev);
            _runIn.Set((s.Pe, k, pe, prev), runIn);
        }

        return ScoredExtent.Of(own, runIn);
    }

    /// <summary>The evidence of the extent's score as logical extent k, with what the block running in showed (<see cref="ExtentScorer.Evidence"/>).</summary>
    public ExtentEvidence Evidence(VhdStart s, long k, long pe, long pe1, ExtentEvidence.Sign? runIn) => scorer.Evidence(s, k, pe, Batmap(s, pe1), runIn);

    /// <summary>Whether a blank extent would fit logical extent k after <paramref name="prev"/> (<see cref="ExtentScorer.BlankExtentAgrees"/>).</summary>
    public bool BlankExtentAgrees(VhdStart s, long k, long prev) => scorer.BlankExtentAgrees(s, k, prev);

    /// <summary>The whole block running in from k-1 checked against its bitmap (<see cref="ExtentScorer.DeepRunIn"/>).</summary>
    public (int Agree, int Disagree) DeepRunIn(VhdStart s, long k, long pe, long prev)
    {
        var key = (s.Pe, k, pe, prev);
        if (!_deep.TryGetValue(key, out var r))
        {
            r = scorer.DeepRunIn(s, k, pe, prev);
            _deep.Set(key, r);
        }

        return r;
    }

    private byte[]? Batmap(VhdStart s, long pe1)
    {
        if (!_batmaps.TryGetValue(s.Pe, out var batmap) || batmap.Pe1 != pe1)
        {
            batmap = (pe1, pe1 < 0 ? null : scorer.ReadBatmap(s, pe1));
            _batmaps[s.Pe] = batmap;
        }

        return batmap.Bits;
    }
}
