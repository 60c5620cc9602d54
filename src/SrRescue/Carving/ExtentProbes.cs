using System.Buffers;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>What one predicted bitmap place holds, whichever VHD asks: read once per place.</summary>
internal sealed record BitmapProbe(bool IsBitmap, bool AllSet, double Score, int Agree, int Disagree);

/// <summary>
/// What the carved source holds at the few places the scorer asks about, read once for the whole
/// carve: the sectors where a VHD predicts a bitmap (gathered into few large reads when many are
/// asked about at one extent), the footer in each extent's last sector, and which extents a
/// sparse image knows to be holes. These are facts of the disk, the same whichever VHD or map
/// asks, so every sweep of the map builder shares them.
/// </summary>
internal sealed class ExtentProbes
{
    private const int Sector = 512;

    /// <summary>Bytes of a bitmap sector that may be neither 0x00 nor 0xFF (writes not 4 KiB aligned).</summary>
    private const int MaxPartialBitmapBytes = 16;

    /// <summary>Largest single read that gathers the bitmap sectors asked about in one extent.</summary>
    private const int MaxPrefetchBytes = 1 << 20;

    /// <summary>
    /// Sectors asked about are read together only when at most this far apart (one page of the
    /// kernel's cache: reading on to the next one costs what a read of its own would). Windows
    /// spanning the places of many VHDs read 3.5 GiB where the sectors were 0.3 GiB (50 GiB loop
    /// device, 18 VHDs): a block device does not say where its holes are, so every byte between
    /// the places asked about was read.
    /// </summary>
    private const int MaxGapBytes = 4096;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;

    // Every answer is kept in a cache of bounded size (BoundedCache: at most the entries given,
    // the ones used lately), so that a carve's memory does not grow with extents x VHDs.

    /// <summary>The uuid in each extent's last sector.</summary>
    private readonly BoundedCache<long, Guid?> _footerAtEnd = new(1 << 17);

    /// <summary>Extents a sparse source knows to be holes (asked once per extent, not once per sweep).</summary>
    private readonly BoundedCache<long, bool> _holes = new(1 << 17);

    /// <summary>Prefetched sectors that may be bitmaps, until the next prefetch.</summary>
    private readonly Dictionary<long, byte[]> _prefetched = [];

    /// <summary>Sector offsets known to hold no bitmap, whatever VHD asks later.</summary>
    private readonly BoundedCache<long, bool> _noBitmap = new(1 << 18);

    /// <summary>Bitmap places already probed (their answer is cached).</summary>
    private readonly BoundedCache<long, bool> _probed = new(1 << 18);

    private readonly BoundedCache<(long At, int GapBytes, int DataSectors), BitmapProbe> _probes = new(1 << 17);

    public ExtentProbes(IByteSource pv, ExtentGrid grid)
    {
        _pv = pv;
        _grid = grid;
    }

    /// <summary>
    /// Whether the source knows, without reading, that the whole extent reads as zeros (a hole of
    /// a sparse image): no bitmap, so no VHD's extent past its first. Other sources: never.
    /// </summary>
    public bool IsHole(long pe)
    {
        if (!_holes.TryGetValue(pe, out var hole))
        {
            var at = _grid.OffsetOf(pe);
            hole = _pv is ISparseSource sparse && sparse.NextDataOffset(at, at + _grid.ExtentSizeBytes) >= at + _grid.ExtentSizeBytes;
            _holes.Set(pe, hole);
        }

        return hole;
    }

    /// <summary>Whether the extent ends with a footer carrying this UUID (the LV's end, or an old end).</summary>
    public bool EndsWithFooter(long pe, Guid uuid) => FooterUuidAtEnd(pe) == uuid;

    /// <summary>The uuid of the footer in the extent's last sector, if it has one (read once per extent).</summary>
    private Guid? FooterUuidAtEnd(long pe)
    {
        if (!_footerAtEnd.TryGetValue(pe, out var uuid))
        {
            Span<byte> tail = stackalloc byte[Sector];
            _pv.ReadFullyAt(_grid.OffsetOf(pe) + _grid.ExtentSizeBytes - Sector, tail);
            uuid = VhdFooter.HasCookie(tail) ? new Guid(tail.Slice(VhdFooter.Off.Uuid, 16), bigEndian: true) : null;
            _footerAtEnd.Set(pe, uuid);
        }

        return uuid;
    }

    /// <summary>
    /// Reads the sectors at these byte offsets (the first bitmap place each VHD that wants the
    /// extent predicts for its next logical index) in as few reads as possible without reading
    /// what lies between places far apart (<see cref="MaxGapBytes"/>). Sectors that cannot be
    /// bitmaps are remembered as such; the others are kept until the next call.
    /// </summary>
    public void Prefetch(List<long> offsets)
    {
        _prefetched.Clear();
        offsets.RemoveAll(o => _probed.ContainsKey(o) || _noBitmap.ContainsKey(o));
        if (offsets.Count < 2)
        {
            return;
        }

        offsets.Sort();
        for (var i = 0; i < offsets.Count;)
        {
            var j = i;
            while (j + 1 < offsets.Count && offsets[j + 1] + Sector - offsets[i] <= MaxPrefetchBytes && offsets[j + 1] - offsets[j] <= MaxGapBytes)
            {
                j++;
            }

            var window = new byte[offsets[j] + Sector - offsets[i]];
            _pv.ReadFullyAt(offsets[i], window);
            for (var k = i; k <= j; k++)
            {
                var sector = window.AsSpan((int)(offsets[k] - offsets[i]), Sector);
                if (MayBeBitmap(sector))
                {
                    _prefetched[offsets[k]] = sector.ToArray();
                }
                else
                {
                    _noBitmap.Set(offsets[k], true);
                }
            }

            i = j + 1;
        }
    }

    /// <summary>
    /// The bitmap place at byte <paramref name="at"/>: whether it holds a bitmap sector, with the
    /// gap of zeros blktap leaves before it and the data sectors after it checked against it.
    /// </summary>
    public BitmapProbe Bitmap(long at, int gapBytes, int dataSectors)
    {
        if (!_probes.TryGetValue((at, gapBytes, dataSectors), out var probe))
        {
            probe = ProbeBitmap(at, gapBytes, dataSectors);
            _probes.Set((at, gapBytes, dataSectors), probe);
            _probed.Set(at, true);
        }

        return probe;
    }

    /// <summary>Not all zeros, and at most a few bytes that are neither 0x00 nor 0xFF.</summary>
    private static bool MayBeBitmap(ReadOnlySpan<byte> sector)
    {
        var partial = 0;
        foreach (var b in sector)
        {
            partial += b is 0 or 0xFF ? 0 : 1;
        }

        return partial <= MaxPartialBitmapBytes && sector.ContainsAnyExcept((byte)0);
    }

    private BitmapProbe ProbeBitmap(long at, int gapBytes, int dataSectors)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(gapBytes + Sector + (dataSectors * Sector));
        try
        {
            // The bitmap sector alone first: most places asked about hold none (free extents, other
            // VHDs' data), and then nothing more is read.
            var span = buffer.AsSpan(0, gapBytes + Sector + (dataSectors * Sector));
            var bitmap = span.Slice(gapBytes, Sector);
            if (_noBitmap.ContainsKey(at))
            {
                return new BitmapProbe(false, false, -5, 0, 0);
            }

            if (_prefetched.TryGetValue(at, out var sector))
            {
                sector.CopyTo(bitmap);
            }
            else
            {
                _pv.ReadFullyAt(at, bitmap);
            }

            if (!MayBeBitmap(bitmap))
            {
                return new BitmapProbe(false, false, -5, 0, 0);
            }

            _pv.ReadFullyAt(at - gapBytes, span);
            var gap = span[..gapBytes];

            double score = 3;
            if (gapBytes > 0)
            {
                score += gap.ContainsAnyExcept((byte)0) ? -2 : 1;
            }

            var (agree, disagree) = BitmapAgreement.Count(span[(gapBytes + Sector)..], bitmap, 0, dataSectors);
            score += (agree * 0.25) - disagree;
            return new BitmapProbe(true, bitmap.IndexOfAnyExcept((byte)0xFF) < 0, score, agree, disagree);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
