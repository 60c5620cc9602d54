using System.Buffers;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>What one predicted bitmap place holds, whichever VHD asks: read once per place.</summary>
internal sealed record BitmapProbe(bool IsBitmap, bool AllSet, double Score, int Agree, int Disagree);

/// <summary>
/// What the carved source holds at the few places the scorer asks about, read once for the whole
/// carve: the sectors where a VHD predicts a bitmap, with the gap before and the data after (asked
/// only of extents that hold a sector that may be a bitmap where the VHD's first one must be,
/// <see cref="PlaceFacts"/>), the footer in each extent's last sector, and which extents a sparse
/// image knows to be holes. These are facts of the disk, the same whichever VHD or map
/// asks, so every sweep of the map builder shares them.
/// </summary>
internal sealed class ExtentProbes
{
    private const int Sector = 512;

    /// <summary>Bytes of a bitmap sector that may be neither 0x00 nor 0xFF (writes not 4 KiB aligned).</summary>
    private const int MaxPartialBitmapBytes = 16;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;

    // Every answer is kept in a cache of bounded size (BoundedCache: at most the entries given,
    // the ones used lately), so that a carve's memory does not grow with extents x VHDs.

    /// <summary>The uuid in each extent's last sector.</summary>
    private readonly BoundedCache<long, Guid?> _footerAtEnd = new(1 << 17);

    /// <summary>Extents a sparse source knows to be holes (asked once per extent, not once per sweep).</summary>
    private readonly BoundedCache<long, bool> _holes = new(1 << 17);

    private readonly BoundedCache<(long At, int GapBytes, int DataSectors), BitmapProbe> _probes = new(1 << 17);

    /// <summary>Single sectors asked for by offset: the bitmaps of blocks running on into the next extent.</summary>
    private readonly BoundedCache<long, byte[]> _sectors = new(1 << 13);

    /// <summary>Per extent, which of its first sectors hold anything (a bit each; up to an extent's sectors: 1 KiB for 4 MiB).</summary>
    private readonly BoundedCache<long, ulong[]> _nonZero = new(1 << 13);

    private byte[] _chunk = [];

    private readonly ExtentHeads? _heads;

    /// <param name="heads">The footers at the extents' ends as the pass over their heads read them (the others are read when asked).</param>
    public ExtentProbes(IByteSource pv, ExtentGrid grid, ExtentHeads? heads = null)
    {
        _pv = pv;
        _grid = grid;
        _heads = heads;
    }

    /// <summary>
    /// Whether the source knows, without reading, that the whole extent reads as zeros (a hole of
    /// a sparse image): no bitmap, so no VHD's extent past its first. Other sources: never.
    /// </summary>
    public bool IsHole(long pe)
    {
        if (_pv is not ISparseSource sparse)
        {
            return false;
        }

        if (!_holes.TryGetValue(pe, out var hole))
        {
            var at = _grid.OffsetOf(pe);
            hole = sparse.NextDataOffset(at, at + _grid.ExtentSizeBytes) >= at + _grid.ExtentSizeBytes;
            _holes.Set(pe, hole);
        }

        return hole;
    }

    /// <summary>Whether the extent ends with a footer carrying this UUID (the LV's end, or an old end).</summary>
    public bool EndsWithFooter(long pe, Guid uuid) => FooterUuidAtEnd(pe) == uuid;

    /// <summary>The uuid of the footer in the extent's last sector, if it has one (read once per extent, or by the heads' pass).</summary>
    public Guid? FooterUuidAtEnd(long pe)
    {
        if (_heads is not null && _heads.TryFooterAtEnd(pe, out var known))
        {
            return known;
        }

        if (!_footerAtEnd.TryGetValue(pe, out var uuid))
        {
            Span<byte> tail = stackalloc byte[Sector];
            _pv.ReadFullyAt(_grid.OffsetOf(pe) + _grid.ExtentSizeBytes - Sector, tail);
            uuid = VhdFooter.UuidByCookie(tail);
            _footerAtEnd.Set(pe, uuid);
        }

        return uuid;
    }

    /// <summary>The sector at byte <paramref name="at"/> (zeros past the end of the source).</summary>
    public byte[] SectorAt(long at)
    {
        if (!_sectors.TryGetValue(at, out var sector))
        {
            sector = new byte[Sector];
            _pv.ReadFullyAt(at, sector);
            _sectors.Set(at, sector);
        }

        return sector;
    }

    /// <summary>
    /// Bit i set when sector i of extent <paramref name="pe"/> is not all zeros, for at least its
    /// first <paramref name="sectors"/> sectors: what checking a block that runs into the extent
    /// against its bitmap needs, read once per extent however many VHDs and sweeps ask.
    /// </summary>
    public ReadOnlySpan<ulong> NonZeroSectors(long pe, int sectors)
    {
        var words = (sectors + 63) / 64;
        if (_nonZero.TryGetValue(pe, out var bits) && bits.Length >= words)
        {
            return bits;
        }

        bits = new ulong[words];
        const int ChunkSectors = 512;
        if (_chunk.Length == 0)
        {
            _chunk = new byte[ChunkSectors * Sector];
        }

        for (var i = 0; i < sectors; i += ChunkSectors)
        {
            var span = _chunk.AsSpan(0, Math.Min(ChunkSectors, sectors - i) * Sector);
            var got = _pv.ReadFullyAt(_grid.OffsetOf(pe) + ((long)i * Sector), span);
            span[got..].Clear();
            BitmapAgreement.NoteNonZero(span, bits, i);
        }

        _nonZero.Set(pe, bits);
        return bits;
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
        }

        return probe;
    }

    /// <summary>Not all zeros, and at most a few bytes that are neither 0x00 nor 0xFF: a sector that may be a bitmap.</summary>
    public static bool MayBeBitmap(ReadOnlySpan<byte> sector)
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
            _pv.ReadFullyAt(at, bitmap);

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
