using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// What each extent holds at the places VHDs predict (<see cref="PredictedPlaces"/>): for every
/// extent and place number, whether it was read, and whether it holds what the place needs (a
/// sector that may be a bitmap, or the batmap header's cookie), as two bits. A place is read the
/// first time any sweep asks about it in that extent, together with the other places asked there
/// (those at most 16 KiB apart in one read), and never again: the answer is a fact of the disk,
/// the same for every VHD and every sweep. The bits are kept in pages of extents, at most
/// <see cref="BudgetBytes"/> of them (a LUN of 2 TiB with 64 places: 8 MiB); a page dropped is read
/// again when asked for.
/// </summary>
internal sealed class PlaceFacts
{
    private const int Sector = 512;

    /// <summary>Extents per page of bits.</summary>
    private const int PageExtents = 1024;

    /// <summary>Most bytes of bits kept.</summary>
    private const long BudgetBytes = 32L << 20;

    /// <summary>Largest single read that gathers places of one extent.</summary>
    private const int MaxReadBytes = 1 << 20;

    /// <summary>
    /// Places are read together when at most this far apart. blktap's VHDs put extent k's first
    /// bitmap 8 KiB further than extent k-1's, so the places of VHDs at different indexes lie
    /// 8 KiB apart: one read of their span (about 100 KiB on a LUN of small VHDs) instead of a
    /// request of a page per place. On a 2 TiB loop device, requests of one page cost more time
    /// than the bytes between them.
    /// </summary>
    private const int MaxGapBytes = 16 << 10;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly PredictedPlaces _places;
    private readonly int _words;

    /// <summary>Place numbers in the order of their offset in an extent (the order they are read in).</summary>
    private readonly int[] _byOffset;

    /// <summary>Per page: for each extent, <see cref="_words"/> words of "read" bits, then as many of "holds" bits.</summary>
    private readonly BoundedCache<long, ulong[]> _pages;

    private readonly List<int> _toRead = [];
    private byte[] _buffer = [];

    public PlaceFacts(IByteSource pv, ExtentGrid grid, PredictedPlaces places)
    {
        _pv = pv;
        _grid = grid;
        _places = places;
        _words = Words(places.Count);
        _byOffset = Enumerable.Range(0, places.Count).OrderBy(n => places[n].InExtent).ToArray();
        var pageBytes = (long)PageExtents * _words * 2 * sizeof(ulong);
        _pages = new BoundedCache<long, ulong[]>((int)Math.Clamp(BudgetBytes / Math.Max(1, pageBytes), 2, int.MaxValue));
    }

    /// <summary>Words of a bit set over every place number.</summary>
    public static int Words(int places) => Math.Max(1, (places + 63) / 64);

    /// <summary>
    /// Sets <paramref name="held"/> to the places of <paramref name="asked"/> that extent
    /// <paramref name="pe"/> holds what they need at, reading those it has not read yet.
    /// </summary>
    public void Held(long pe, ReadOnlySpan<ulong> asked, Span<ulong> held)
    {
        var page = _pages.TryGetValue(pe / PageExtents, out var p) ? p : NewPage(pe / PageExtents);
        var row = page.AsSpan((int)(pe % PageExtents) * _words * 2, _words * 2);
        var read = row[.._words];
        var holds = row[_words..];
        var unread = false;
        for (var w = 0; w < _words; w++)
        {
            unread |= (asked[w] & ~read[w]) != 0;
        }

        if (unread)
        {
            Read(pe, asked, read, holds);
        }

        for (var w = 0; w < _words; w++)
        {
            held[w] = asked[w] & holds[w];
        }
    }

    private ulong[] NewPage(long page)
    {
        var bits = new ulong[PageExtents * _words * 2];
        _pages.Set(page, bits);
        return bits;
    }

    /// <summary>Reads the places asked about and not read yet in extent pe, in few reads, and notes what each holds.</summary>
    private void Read(long pe, ReadOnlySpan<ulong> asked, Span<ulong> read, Span<ulong> holds)
    {
        _toRead.Clear();
        foreach (var n in _byOffset)
        {
            if (IsSet(asked, n) && !IsSet(read, n))
            {
                _toRead.Add(n);
            }
        }

        var extentAt = _grid.OffsetOf(pe);
        for (var i = 0; i < _toRead.Count;)
        {
            var first = _places[_toRead[i]].InExtent;
            var end = End(_toRead[i]);
            var j = i;
            while (j + 1 < _toRead.Count && _places[_toRead[j + 1]].InExtent - end <= MaxGapBytes && Math.Max(end, End(_toRead[j + 1])) - first <= MaxReadBytes)
            {
                end = Math.Max(end, End(_toRead[++j]));
            }

            var length = (int)(end - first);
            if (_buffer.Length < length)
            {
                _buffer = new byte[length];
            }

            var window = _buffer.AsSpan(0, length);
            var got = _pv.ReadFullyAt(extentAt + first, window);
            window[got..].Clear();
            for (var k = i; k <= j; k++)
            {
                var n = _toRead[k];
                var place = _places[n];
                var bytes = window.Slice((int)(place.InExtent - first), Length(place.Kind));
                var ok = place.Kind switch
                {
                    PredictedPlaces.Kind.Bitmap => ExtentProbes.MayBeBitmap(bytes),
                    PredictedPlaces.Kind.BatmapHeader => bytes.SequenceEqual(Vhd.BatmapHeader.Cookie),
                    PredictedPlaces.Kind.FirstSectors => bytes.ContainsAnyExcept((byte)0),
                    _ => Vhd.VhdFooter.HasCookie(bytes),
                };
                read[n >> 6] |= 1UL << (n & 63);
                holds[n >> 6] |= ok ? 1UL << (n & 63) : 0;
            }

            i = j + 1;
        }
    }

    private long End(int n) => _places[n].InExtent + Length(_places[n].Kind);

    /// <summary>Bytes the scorer reads at a place: a sector, the batmap header's 8-byte cookie, or the 64 sectors a block running in is checked at.</summary>
    private static int Length(PredictedPlaces.Kind kind) => kind switch
    {
        PredictedPlaces.Kind.BatmapHeader => 8,
        PredictedPlaces.Kind.FirstSectors => ExtentScorer.RunInSectors * Sector,
        _ => Sector,
    };

    private static bool IsSet(ReadOnlySpan<ulong> bits, int n) => (bits[n >> 6] & (1UL << (n & 63))) != 0;
}
