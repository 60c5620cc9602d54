namespace SrRescue.Carving;

/// <summary>
/// The VHDs a sweep still grows, grouped by the place their next logical extent predicts
/// (<see cref="PredictedPlaces"/>): a free extent is scored only for the VHDs of the places where
/// it holds what they need (<see cref="PlaceFacts"/>), and for those whose next extent predicts no
/// place. Every other VHD would be rejected by its first structure there, so the extent costs a
/// few bit operations per sweep instead of one score per VHD. VHDs are numbered by their index in
/// the sweep's list of starts; candidates come back in that order, the order the sweep scores in.
/// </summary>
internal sealed class WantingVhds
{
    private readonly List<int>[] _byPlace;
    private readonly List<int> _noPlace = [];

    /// <summary>The places some VHD waits at (a bit per place number).</summary>
    private readonly ulong[] _waiting;

    private readonly ulong[] _held;

    public WantingVhds(int places)
    {
        _byPlace = new List<int>[places];
        _waiting = new ulong[PlaceFacts.Words(places)];
        _held = new ulong[_waiting.Length];
    }

    /// <summary>
    /// VHD <paramref name="vhd"/> now wants an extent holding what one of <paramref name="places"/>
    /// needs (<see cref="PredictedPlaces.None"/>: any extent).
    /// </summary>
    public void Add(int vhd, IReadOnlyList<int> places)
    {
        foreach (var place in places)
        {
            Add(vhd, place);
        }
    }

    /// <summary>VHD <paramref name="vhd"/> no longer waits at <paramref name="places"/> (those it was added with).</summary>
    public void Remove(int vhd, IReadOnlyList<int> places)
    {
        foreach (var place in places)
        {
            Remove(vhd, place);
        }
    }

    private void Add(int vhd, int place)
    {
        var group = Group(place);
        var at = group.BinarySearch(vhd);
        if (at < 0)
        {
            group.Insert(~at, vhd);
        }

        if (place != PredictedPlaces.None)
        {
            _waiting[place >> 6] |= 1UL << (place & 63);
        }
    }

    private void Remove(int vhd, int place)
    {
        var group = Group(place);
        var at = group.BinarySearch(vhd);
        if (at >= 0)
        {
            group.RemoveAt(at);
        }

        if (place != PredictedPlaces.None && group.Count == 0)
        {
            _waiting[place >> 6] &= ~(1UL << (place & 63));
        }
    }

    /// <summary>
    /// Fills <paramref name="candidates"/> with the VHDs extent <paramref name="pe"/> may fit, in
    /// ascending order: those waiting at a place the extent holds, and those waiting at none.
    /// </summary>
    public void Candidates(long pe, PlaceFacts facts, List<int> candidates)
    {
        candidates.Clear();
        candidates.AddRange(_noPlace);
        var any = false;
        for (var w = 0; w < _waiting.Length; w++)
        {
            any |= _waiting[w] != 0;
        }

        if (!any)
        {
            return;
        }

        facts.Held(pe, _waiting, _held);
        var groups = 0;
        for (var w = 0; w < _held.Length; w++)
        {
            for (var bits = _held[w]; bits != 0; bits &= bits - 1)
            {
                candidates.AddRange(_byPlace[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)]);
                groups++;
            }
        }

        if (groups + (_noPlace.Count > 0 ? 1 : 0) > 1)
        {
            // A VHD may wait at two places (PredictedPlaces.ForTail): once each.
            candidates.Sort();
            for (var i = candidates.Count - 1; i > 0; i--)
            {
                if (candidates[i] == candidates[i - 1])
                {
                    candidates.RemoveAt(i);
                }
            }
        }
    }

    private List<int> Group(int place) => place == PredictedPlaces.None ? _noPlace : _byPlace[place] ??= [];
}
