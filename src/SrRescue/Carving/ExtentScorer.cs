using System.Buffers;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>
/// Scores a physical extent as logical extent k of a carved VHD against what the VHD's own
/// structures predict (vhd.md 6.4, 6.5): the batmap header <c>tdbatmap</c> where the header puts
/// it; a bitmap sector (0x00/0xFF runs) at every offset the BAT gives, with blktap's zero gap of 7
/// sectors before it (bitmaps at sectors ≡ 7 mod 8, stride 4104); data sectors that agree with
/// their bitmap (bit clear ⇒ zeros: blktap zero-fills new blocks), including the block that runs
/// in from the previous extent; and a footer with the VHD's UUID in the last 512 bytes (the
/// primary footer, or a stale one left by an inflate). Reads only those few sectors.
/// </summary>
internal sealed class ExtentScorer
{
    private const int Sector = 512;

    private const int GapSectors = 7;

    /// <summary>Data sectors checked against their bitmap, per block and extent.</summary>
    private const int CheckedDataSectors = 32;

    /// <summary>Bytes of a bitmap sector that may be neither 0x00 nor 0xFF (writes not 4 KiB aligned).</summary>
    private const int MaxPartialBitmapBytes = 16;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;

    public ExtentScorer(IByteSource pv, ExtentGrid grid)
    {
        _pv = pv;
        _grid = grid;
    }

    /// <summary>How evidence names a byte of the carved source (on which PV, when it spans several).</summary>
    private string Where(long at) => ExtentSpace.Describe(_pv, at);

    /// <param name="prevPe">Physical extent already chosen for logical extent k-1.</param>
    /// <param name="batmap">The VHD's batmap bits when its extent 1 is placed and the checksum verifies, else null.</param>
    public ExtentScore Score(VhdStart vhd, long k, long pe, long prevPe, byte[]? batmap = null)
    {
        var own = Structure(vhd, k, pe, batmap);
        if (own.Rejected)
        {
            return own;
        }

        return own.WithRunIn(RunIn(vhd, k, pe, prevPe));
    }

    /// <summary>
    /// What the extent holds by itself as logical extent k: the batmap header, every bitmap the BAT
    /// puts in it with its gap and data, a footer with the VHD's uuid at its end. It does not depend
    /// on the extent chosen before, so the map builder scores it once per (VHD, k, extent).
    /// </summary>
    public ExtentScore Structure(VhdStart vhd, long k, long pe, byte[]? batmap)
    {
        var e = _grid.ExtentSizeBytes;
        var lvStart = k * e;
        var at = _grid.OffsetOf(pe);
        var evidence = new List<string>();
        double score = 0;
        var buffer = ArrayPool<byte>.Shared.Rent((GapSectors + 1 + CheckedDataSectors) * Sector);
        try
        {
            var batmapAt = vhd.BatmapHeaderOffsetBytes;
            if (vhd.HasBatmap && batmapAt >= lvStart && batmapAt < lvStart + e)
            {
                var cookie = buffer.AsSpan(0, 8);
                _pv.ReadFullyAt(at + (batmapAt - lvStart), cookie);
                if (!cookie.SequenceEqual(BatmapHeader.Cookie))
                {
                    return new ExtentScore(pe, -10, true, [$"no 'tdbatmap' at extent offset {batmapAt - lvStart} ({Where(at + batmapAt - lvStart)})"]);
                }

                score += 10;
                evidence.Add($"tdbatmap at {Where(at + batmapAt - lvStart)}");
            }

            foreach (var (block, bitmapAt) in vhd.BitmapsIn(lvStart, lvStart + e))
            {
                var dataEnd = bitmapAt + Sector + vhd.BlockSizeBytes;
                var (s, reject, what) = ScoreBitmap(buffer, at, bitmapAt - lvStart, dataEnd - lvStart, BatmapFull(batmap, block));
                if (reject)
                {
                    return new ExtentScore(pe, score + s, true, [$"block {block}: {what}"]);
                }

                score += s;
                evidence.Add($"block {block}: {what}");
            }

            var footer = FooterUuidAtEnd(pe) == vhd.VhdUuid;
            if (footer)
            {
                score += 8;
                evidence.Add($"footer with the VHD's uuid at {Where(at + e - Sector)}");
            }

            return new ExtentScore(pe, score, false, evidence, footer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The block that runs in from logical extent k-1 (in <paramref name="prevPe"/>): its bitmap
    /// there says which of the first sectors of this extent hold data. The first 64 are checked.
    /// Null evidence when no block runs in.
    /// </summary>
    public (double Score, string? Evidence) RunIn(VhdStart vhd, long k, long pe, long prevPe)
    {
        var e = _grid.ExtentSizeBytes;
        var lvStart = k * e;
        if (prevPe < 0)
        {
            return (0, null);
        }

        foreach (var (block, bitmapAt) in vhd.BitmapsIn(lvStart - e, lvStart))
        {
            var dataStart = bitmapAt + Sector;
            var dataEnd = dataStart + vhd.BlockSizeBytes;
            if (!(dataStart < lvStart && dataEnd > lvStart))
            {
                continue;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(64 * Sector);
            try
            {
                var bitmap = new byte[Sector];
                _pv.ReadFullyAt(_grid.OffsetOf(prevPe) + (bitmapAt - (lvStart - e)), bitmap);
                var firstSector = (lvStart - dataStart) / Sector;
                var count = (int)Math.Min(64, Math.Min((dataEnd - lvStart) / Sector, e / Sector));
                var data = buffer.AsSpan(0, count * Sector);
                _pv.ReadFullyAt(_grid.OffsetOf(pe), data);
                var (agree, disagree) = CheckData(data, bitmap, firstSector, count);
                return ((agree * 0.25) - (disagree * 1.0), $"block {block} runs in: {agree} of {agree + disagree} sectors agree with its bitmap");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return (0, null);
    }

    /// <summary>
    /// The whole part of the block that runs in from logical extent k-1 (up to one block), checked
    /// sector by sector against that block's bitmap in the previous extent: the one structure that
    /// ties two extents of the same VHD together. Read only to settle a rivalry.
    /// </summary>
    public (int Agree, int Disagree) DeepRunIn(VhdStart vhd, long k, long pe, long prevPe)
    {
        var e = _grid.ExtentSizeBytes;
        var lvStart = k * e;
        if (prevPe < 0)
        {
            return (0, 0);
        }

        foreach (var (_, bitmapAt) in vhd.BitmapsIn(lvStart - e, lvStart))
        {
            var dataStart = bitmapAt + Sector;
            var dataEnd = dataStart + vhd.BlockSizeBytes;
            if (!(dataStart < lvStart && dataEnd > lvStart))
            {
                continue;
            }

            var bitmap = new byte[Sector];
            _pv.ReadFullyAt(_grid.OffsetOf(prevPe) + (bitmapAt - (lvStart - e)), bitmap);
            var firstSector = (lvStart - dataStart) / Sector;
            var total = (int)(Math.Min(dataEnd - lvStart, e) / Sector);
            var chunk = ArrayPool<byte>.Shared.Rent(ChunkSectors * Sector);
            try
            {
                int agree = 0, disagree = 0;
                for (var i = 0; i < total; i += ChunkSectors)
                {
                    var n = Math.Min(ChunkSectors, total - i);
                    var span = chunk.AsSpan(0, n * Sector);
                    _pv.ReadFullyAt(_grid.OffsetOf(pe) + ((long)i * Sector), span);
                    var (a, d) = CheckData(span, bitmap, firstSector + i, n);
                    agree += a;
                    disagree += d;
                }

                return (agree, disagree);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        return (0, 0);
    }

    private const int ChunkSectors = 512;

    /// <summary>Whether the extent ends with a footer carrying this UUID (the LV's end, or an old end).</summary>
    public bool EndsWithFooter(long pe, Guid uuid) => FooterUuidAtEnd(pe) == uuid;

    private readonly Dictionary<long, Guid?> _footerAtEnd = [];

    /// <summary>
    /// Whether the source knows, without reading, that the whole extent reads as zeros (a hole of
    /// a sparse image): no bitmap, so no VHD's extent past its first. Other sources: never.
    /// </summary>
    public bool IsHole(long pe) =>
        _pv is ISparseSource sparse && sparse.NextDataOffset(_grid.OffsetOf(pe), _grid.OffsetOf(pe) + _grid.ExtentSizeBytes) >= _grid.OffsetOf(pe) + _grid.ExtentSizeBytes;

    /// <summary>The uuid of the footer in the extent's last sector, if it has one (read once per extent).</summary>
    private Guid? FooterUuidAtEnd(long pe)
    {
        if (!_footerAtEnd.TryGetValue(pe, out var uuid))
        {
            Span<byte> tail = stackalloc byte[Sector];
            _pv.ReadFullyAt(_grid.OffsetOf(pe) + _grid.ExtentSizeBytes - Sector, tail);
            uuid = VhdFooter.HasCookie(tail) ? new Guid(tail.Slice(VhdFooter.Off.Uuid, 16), bigEndian: true) : null;
            _footerAtEnd[pe] = uuid;
        }

        return uuid;
    }

    private static bool? BatmapFull(byte[]? batmap, int block) =>
        batmap is null || block >> 3 >= batmap.Length ? null : (batmap[block >> 3] & (0x80 >> (block & 7))) != 0;

    /// <summary>
    /// The batmap bits of a VHD whose extent 1 is <paramref name="pe1"/>: trusted only when the
    /// batmap header there verifies its checksum (vhd.md 3.4).
    /// </summary>
    public byte[]? ReadBatmap(VhdStart vhd, long pe1)
    {
        var e = _grid.ExtentSizeBytes;
        var hdrAt = vhd.BatmapHeaderOffsetBytes;
        if (!vhd.HasBatmap || hdrAt < e || hdrAt + Sector > 2 * e || pe1 < 0)
        {
            return null;
        }

        var raw = new byte[Sector];
        _pv.ReadFullyAt(_grid.OffsetOf(pe1) + (hdrAt - e), raw);
        var header = BatmapHeader.TryRead(raw, _grid.OffsetOf(pe1) + (hdrAt - e), new Diagnostics.FindingLog(), _pv.Name);
        var bytes = BatmapHeader.ChecksummedBytes(vhd.Footer.CurrentSizeBytes);
        if (header is null || header.BatmapOffset < (ulong)e || header.BatmapOffset + (ulong)bytes > (ulong)(2 * e) || bytes > 1 << 20)
        {
            return null;
        }

        var map = new byte[bytes];
        _pv.ReadFullyAt(_grid.OffsetOf(pe1) + ((long)header.BatmapOffset - e), map);
        return BatmapHeader.ComputeChecksum(map, vhd.Footer.CurrentSizeBytes, header.Version) == header.StoredChecksum ? map : null;
    }

    private (double Score, bool Reject, string What) ScoreBitmap(byte[] buffer, long extentAt, long inExtent, long dataEndInExtent, bool? batmapFull)
    {
        var gapBytes = (int)Math.Min(GapSectors * Sector, inExtent);
        var dataSectors = (int)Math.Clamp((Math.Min(dataEndInExtent, _grid.ExtentSizeBytes) - inExtent - Sector) / Sector, 0, CheckedDataSectors);
        var at = extentAt + inExtent;
        if (!_probes.TryGetValue((at, gapBytes, dataSectors), out var probe))
        {
            probe = ProbeBitmap(buffer, at, gapBytes, dataSectors);
            _probes[(at, gapBytes, dataSectors)] = probe;
            _probed.Add(at);
        }

        if (!probe.IsBitmap)
        {
            return (-5, true, $"no bitmap at {Where(at)}");
        }

        if (batmapFull == true && !probe.AllSet)
        {
            // The batmap is never ahead of the bitmaps (tapdisk writes it on close, vhd.md 3.3).
            return (-5, true, $"bitmap at {Where(at)} is not full though the batmap says the block is");
        }

        var score = probe.Score - (batmapFull == false && probe.AllSet ? 3 : 0);
        return (score, false, $"bitmap at {Where(at)}, {probe.Agree} of {probe.Agree + probe.Disagree} data sectors agree");
    }

    /// <summary>Largest single read that gathers the bitmap sectors asked about in one extent.</summary>
    private const int MaxPrefetchBytes = 1 << 20;

    /// <summary>Prefetched sectors that may be bitmaps, until the next prefetch.</summary>
    private readonly Dictionary<long, byte[]> _prefetched = [];

    /// <summary>Sector offsets known to hold no bitmap (8 bytes each, whatever VHD asks later).</summary>
    private readonly HashSet<long> _noBitmap = [];

    /// <summary>Bitmap places already probed (their answer is cached).</summary>
    private readonly HashSet<long> _probed = [];

    /// <summary>
    /// Reads the sectors at these byte offsets (the first bitmap place each VHD that wants the
    /// extent predicts, for its next logical index and the ones beside it, which later choices may
    /// ask for) in as few reads as possible: places for neighbouring indexes lie 8 KiB apart, so
    /// one read of at most 1 MiB replaces many small ones (on a disk, one seek instead of one per
    /// VHD). Sectors that cannot be bitmaps are remembered as such; the others are kept until the
    /// next call.
    /// </summary>
    public void Prefetch(List<long> offsets)
    {
        _prefetched.Clear();
        offsets.RemoveAll(o => _probed.Contains(o) || _noBitmap.Contains(o));
        if (offsets.Count < 2)
        {
            return;
        }

        offsets.Sort();
        for (var i = 0; i < offsets.Count;)
        {
            var j = i;
            while (j + 1 < offsets.Count && offsets[j + 1] + Sector - offsets[i] <= MaxPrefetchBytes)
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
                    _noBitmap.Add(offsets[k]);
                }
            }

            i = j + 1;
        }
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

    /// <summary>What one predicted bitmap place holds, whichever VHD asks: read once per place.</summary>
    private sealed record BitmapProbe(bool IsBitmap, bool AllSet, double Score, int Agree, int Disagree);

    private readonly Dictionary<(long At, int GapBytes, int DataSectors), BitmapProbe> _probes = [];

    private BitmapProbe ProbeBitmap(byte[] buffer, long at, int gapBytes, int dataSectors)
    {
        // The bitmap sector alone first: most places asked about hold none (free extents, other
        // VHDs' data), and then nothing more is read.
        var span = buffer.AsSpan(0, gapBytes + Sector + (dataSectors * Sector));
        var bitmap = span.Slice(gapBytes, Sector);
        if (_noBitmap.Contains(at))
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

        var (agree, disagree) = CheckData(span[(gapBytes + Sector)..], bitmap, 0, dataSectors);
        score += (agree * 0.25) - disagree;
        return new BitmapProbe(true, bitmap.IndexOfAnyExcept((byte)0xFF) < 0, score, agree, disagree);
    }

    /// <summary>
    /// Sector s (block-relative firstSector + i) with its bit clear must be zeros; with its bit set
    /// it is counted as agreeing when it holds something (written zeros are neutral).
    /// </summary>
    private static (int Agree, int Disagree) CheckData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> bitmap, long firstSector, int count)
    {
        int agree = 0, disagree = 0;
        for (var i = 0; i < count && (i + 1) * Sector <= data.Length; i++)
        {
            var s = firstSector + i;
            if (s >> 3 >= bitmap.Length)
            {
                break;
            }

            var set = (bitmap[(int)(s >> 3)] & (0x80 >> (int)(s & 7))) != 0;
            var nonZero = data.Slice(i * Sector, Sector).ContainsAnyExcept((byte)0);
            if (!set && nonZero)
            {
                disagree++;
            }
            else if (set == nonZero)
            {
                agree++;
            }
        }

        return (agree, disagree);
    }
}
