namespace SrRescue.Carving;

/// <summary>
/// The one place in a physical extent that decides first whether it can be logical extent k of a
/// carved VHD: the first bitmap sector the BAT puts in extent k (the scorer rejects the extent when
/// that sector cannot be a bitmap), or, when k holds no bitmap, the batmap header (rejected
/// without its cookie). The place is a byte offset inside the extent, so every VHD whose extent k
/// puts a structure at the same offset asks the same question of a free extent: the places are
/// numbered once per carve, and an extent's answer for a number serves all those VHDs in every
/// sweep (<see cref="PlaceFacts"/>, <see cref="WantingVhds"/>). VHDs written by blktap share their
/// layout (bitmaps at sectors 7 mod 8, stride 4104 sectors, metadata sized for 2 TiB), so hundreds
/// of VHDs ask a few dozen places of each extent, not one each. A logical extent with neither (the
/// tail of the last block) can only fit by the VHD's footer at its end or by the block running in
/// from the extent before: two more places, the extent's first sectors and its last one
/// (<see cref="ForTail"/>).
/// </summary>
internal sealed class PredictedPlaces
{
    /// <summary>No place predicted: the VHD's extent k holds neither a bitmap nor the batmap header.</summary>
    public const int None = -1;

    private const int Sector = 512;

    private readonly long _extentBytes;
    private readonly Dictionary<Place, int> _numbers = [];
    private readonly List<Place> _places = [];

    /// <summary>What must be at a place: a sector that may be a bitmap, or the batmap header's cookie.</summary>
    public enum Kind : byte
    {
        Bitmap,
        BatmapHeader,

        /// <summary>Any of the sectors a block running in is checked at (the first 64) not all zeros.</summary>
        FirstSectors,

        /// <summary>A VHD footer (any uuid) in the extent's last sector.</summary>
        Footer,
    }

    /// <summary>A byte offset inside an extent and what the VHD predicts there.</summary>
    public readonly record struct Place(long InExtent, Kind Kind);

    /// <summary>Numbers every place that any of <paramref name="starts"/> predicts in any of its logical extents 1 to needed-1.</summary>
    public PredictedPlaces(IReadOnlyList<VhdStart> starts, IReadOnlyDictionary<VhdStart, long> needed, long extentBytes)
    {
        _extentBytes = extentBytes;
        ForTail = [Number(new Place(0, Kind.FirstSectors)), Number(new Place(extentBytes - Sector, Kind.Footer))];
        foreach (var s in starts)
        {
            var ks = s.BlocksByOffset().Select(b => b.BitmapOffsetBytes / extentBytes).Append(s.BatmapHeaderOffsetBytes / extentBytes);
            foreach (var k in ks.Distinct().Where(k => k >= 1 && k < needed[s]))
            {
                if (PlaceOf(s, k) is { } place)
                {
                    Number(place);
                }
            }
        }
    }

    /// <summary>
    /// Where an extent must hold something to be a logical extent with no bitmap and no batmap
    /// header, when the block running in from the extent before has its bits set where the scorer
    /// checks it (a blank extent then scores nothing): its first sectors (data of that block) or
    /// its last (the VHD's footer). One of the two is enough.
    /// </summary>
    public IReadOnlyList<int> ForTail { get; }

    /// <summary>How many places are numbered (numbers run from 0 to Count-1).</summary>
    public int Count => _places.Count;

    public Place this[int number] => _places[number];

    /// <summary>The number of the place that decides first whether an extent can be logical extent k of the VHD, or <see cref="None"/>.</summary>
    public int Of(VhdStart s, long k) => PlaceOf(s, k) is { } place ? _numbers.GetValueOrDefault(place, None) : None;

    /// <summary>The first bitmap in logical extent k, else the batmap header when it is there, else none.</summary>
    private Place? PlaceOf(VhdStart s, long k)
    {
        var lvStart = k * _extentBytes;
        var bitmaps = s.BitmapsIn(lvStart, lvStart + _extentBytes);
        if (!bitmaps.IsEmpty)
        {
            return new Place(bitmaps[0].BitmapOffsetBytes - lvStart, Kind.Bitmap);
        }

        var batmapAt = s.BatmapHeaderOffsetBytes;
        return s.HasBatmap && batmapAt >= lvStart && batmapAt < lvStart + _extentBytes ? new Place(batmapAt - lvStart, Kind.BatmapHeader) : null;
    }

    private int Number(Place place)
    {
        if (_numbers.TryAdd(place, _places.Count))
        {
            _places.Add(place);
        }

        return _numbers[place];
    }
}
