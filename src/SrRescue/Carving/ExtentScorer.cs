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

    /// <summary>How the evidence of a footer with the VHD's uuid at the extent's end starts.</summary>
    public const string FooterEvidence = "footer with the VHD's uuid";
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

    /// <param name="prevPe">Physical extent already chosen for logical extent k-1.</param>
    /// <param name="batmap">The VHD's batmap bits when its extent 1 is placed and the checksum verifies, else null.</param>
    public ExtentScore Score(VhdStart vhd, long k, long pe, long prevPe, byte[]? batmap = null)
    {
        var e = _grid.ExtentSizeBytes;
        var lvStart = k * e;
        var at = _grid.OffsetOf(pe);
        var evidence = new List<string>();
        double score = 0;
        var buffer = ArrayPool<byte>.Shared.Rent((GapSectors + 1 + CheckedDataSectors) * Sector + 64 * Sector);
        try
        {
            var batmapAt = vhd.BatmapHeaderOffsetBytes;
            if (vhd.HasBatmap && batmapAt >= lvStart && batmapAt < lvStart + e)
            {
                var cookie = buffer.AsSpan(0, 8);
                _pv.ReadFullyAt(at + (batmapAt - lvStart), cookie);
                if (!cookie.SequenceEqual(BatmapHeader.Cookie))
                {
                    return new ExtentScore(pe, -10, true, [$"no 'tdbatmap' at extent offset {batmapAt - lvStart} (byte {at + batmapAt - lvStart})"]);
                }

                score += 10;
                evidence.Add($"tdbatmap at byte {at + batmapAt - lvStart}");
            }

            foreach (var (block, bitmapAt) in vhd.BlocksByOffset())
            {
                var dataStart = bitmapAt + Sector;
                var dataEnd = dataStart + vhd.BlockSizeBytes;
                if (bitmapAt >= lvStart && bitmapAt < lvStart + e)
                {
                    var (s, reject, what) = ScoreBitmap(buffer, at, bitmapAt - lvStart, dataEnd - lvStart, BatmapFull(batmap, block));
                    if (reject)
                    {
                        return new ExtentScore(pe, score + s, true, [$"block {block}: {what}"]);
                    }

                    score += s;
                    evidence.Add($"block {block}: {what}");
                }
                else if (dataStart < lvStart && dataEnd > lvStart && prevPe >= 0 && bitmapAt >= lvStart - e)
                {
                    // The block runs in from the previous extent: its bitmap there says which of the
                    // first sectors here hold data.
                    var bitmap = buffer.AsSpan(0, Sector);
                    _pv.ReadFullyAt(_grid.OffsetOf(prevPe) + (bitmapAt - (lvStart - e)), bitmap);
                    var firstSector = (lvStart - dataStart) / Sector;
                    var count = (int)Math.Min(64, Math.Min((dataEnd - lvStart) / Sector, e / Sector));
                    var (agree, disagree) = CheckData(buffer, bitmap, firstSector, at, count);
                    score += (agree * 0.25) - (disagree * 1.0);
                    evidence.Add($"block {block} runs in: {agree} of {agree + disagree} sectors agree with its bitmap");
                }
            }

            var tail = buffer.AsSpan(0, Sector);
            _pv.ReadFullyAt(at + e - Sector, tail);
            if (VhdFooter.HasCookie(tail) && new Guid(tail.Slice(VhdFooter.Off.Uuid, 16), bigEndian: true) == vhd.VhdUuid)
            {
                score += 8;
                evidence.Add($"{FooterEvidence} at byte {at + e - Sector}");
            }

            return new ExtentScore(pe, score, false, evidence);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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

        foreach (var (_, bitmapAt) in vhd.BlocksByOffset())
        {
            var dataStart = bitmapAt + Sector;
            var dataEnd = dataStart + vhd.BlockSizeBytes;
            if (!(dataStart < lvStart && dataEnd > lvStart && bitmapAt >= lvStart - e))
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
    public bool EndsWithFooter(long pe, Guid uuid)
    {
        Span<byte> tail = stackalloc byte[Sector];
        _pv.ReadFullyAt(_grid.OffsetOf(pe) + _grid.ExtentSizeBytes - Sector, tail);
        return VhdFooter.HasCookie(tail) && new Guid(tail.Slice(VhdFooter.Off.Uuid, 16), bigEndian: true) == uuid;
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
        var span = buffer.AsSpan(0, gapBytes + Sector + (dataSectors * Sector));
        _pv.ReadFullyAt(extentAt + inExtent - gapBytes, span);
        var gap = span[..gapBytes];
        var bitmap = span.Slice(gapBytes, Sector);
        double score = 0;
        var partial = 0;
        foreach (var b in bitmap)
        {
            partial += b is 0 or 0xFF ? 0 : 1;
        }

        if (partial > MaxPartialBitmapBytes || !bitmap.ContainsAnyExcept((byte)0))
        {
            return (-5, true, $"no bitmap at byte {extentAt + inExtent}");
        }

        score += 3;
        var allSet = bitmap.IndexOfAnyExcept((byte)0xFF) < 0;
        if (batmapFull == true && !allSet)
        {
            // The batmap is never ahead of the bitmaps (tapdisk writes it on close, vhd.md 3.3).
            return (-5, true, $"bitmap at byte {extentAt + inExtent} is not full though the batmap says the block is");
        }

        if (batmapFull == false && allSet)
        {
            score -= 3;
        }

        if (gapBytes > 0)
        {
            score += gap.ContainsAnyExcept((byte)0) ? -2 : 1;
        }

        var data = span[(gapBytes + Sector)..];
        var (agree, disagree) = CheckData(data, bitmap, 0, dataSectors);
        score += (agree * 0.25) - disagree;
        return (score, false, $"bitmap at byte {extentAt + inExtent}, {agree} of {agree + disagree} data sectors agree");
    }

    private (int Agree, int Disagree) CheckData(byte[] buffer, ReadOnlySpan<byte> bitmap, long firstSector, long at, int count)
    {
        var copy = bitmap.ToArray();
        var data = buffer.AsSpan(0, count * Sector);
        _pv.ReadFullyAt(at, data);
        return CheckData(data, copy, firstSector, count);
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
