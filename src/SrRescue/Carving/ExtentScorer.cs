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
/// primary footer, or a stale one left by an inflate). Reads only those few sectors, through
/// <see cref="ExtentProbes"/>, which keeps them for the carve: bitmap places, footers, the bitmap
/// of a block running on and which of an extent's first sectors hold data, so that checking a
/// block running in costs bit operations, not reads, however many VHDs and sweeps ask.
/// </summary>
internal sealed class ExtentScorer
{
    private const int Sector = 512;

    private const int GapSectors = 7;

    /// <summary>Data sectors checked against their bitmap, per block and extent.</summary>
    private const int CheckedDataSectors = 32;

    /// <summary>Sectors of the block running in that are checked by <see cref="RunIn"/>.</summary>
    public const int RunInSectors = 64;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly ExtentProbes _probes;

    public ExtentScorer(IByteSource pv, ExtentGrid grid)
        : this(pv, grid, new ExtentProbes(pv, grid))
    {
    }

    /// <param name="probes">What the source holds at the places asked about, shared with whoever else reads them.</param>
    public ExtentScorer(IByteSource pv, ExtentGrid grid, ExtentProbes probes)
    {
        _pv = pv;
        _grid = grid;
        _probes = probes;
    }

    /// <param name="prevPe">Physical extent already chosen for logical extent k-1.</param>
    /// <param name="batmap">The VHD's batmap bits when its extent 1 is placed and the checksum verifies, else null.</param>
    public ScoredExtent Score(VhdStart vhd, long k, long pe, long prevPe, byte[]? batmap = null)
    {
        var own = Structure(vhd, k, pe, batmap);
        return ScoredExtent.Of(own, own.Rejected ? (0, null) : RunIn(vhd, k, pe, prevPe));
    }

    /// <summary>
    /// What the extent holds by itself as logical extent k: the batmap header, every bitmap the BAT
    /// puts in it with its gap and data, a footer with the VHD's uuid at its end. It does not depend
    /// on the extent chosen before, so ExtentScoreCache keeps it once per (VHD, k, extent).
    /// </summary>
    public ExtentScore Structure(VhdStart vhd, long k, long pe, byte[]? batmap) => Structure(vhd, k, pe, batmap, null);

    /// <summary>
    /// The evidence of <see cref="Structure(VhdStart, long, long, byte[])"/> with the block running in
    /// after it: the signs looked at again (the probes keep what they read), for an extent placed.
    /// </summary>
    public ExtentEvidence Evidence(VhdStart vhd, long k, long pe, byte[]? batmap, ExtentEvidence.Sign? runIn)
    {
        var signs = new List<ExtentEvidence.Sign>();
        Structure(vhd, k, pe, batmap, signs);
        if (runIn is { } sign)
        {
            signs.Add(sign);
        }

        return ExtentEvidence.Of(_pv, signs);
    }

    /// <param name="signs">Gets what was seen, when given; of a rejected extent, what rejected it.</param>
    private ExtentScore Structure(VhdStart vhd, long k, long pe, byte[]? batmap, List<ExtentEvidence.Sign>? signs)
    {
        var e = _grid.ExtentSizeBytes;
        var lvStart = k * e;
        var at = _grid.OffsetOf(pe);
        double score = 0;
        var seen = false;
        var batmapAt = vhd.BatmapHeaderOffsetBytes;
        if (vhd.HasBatmap && batmapAt >= lvStart && batmapAt < lvStart + e)
        {
            Span<byte> cookie = stackalloc byte[8];
            _pv.ReadFullyAt(at + (batmapAt - lvStart), cookie);
            var inExtent = (int)(batmapAt - lvStart);
            if (!cookie.SequenceEqual(BatmapHeader.Cookie))
            {
                return Rejected(-10, new(ExtentEvidence.Kind.NoBatmapHeader, 0, at + inExtent, inExtent, 0), signs);
            }

            score += 10;
            signs?.Add(new(ExtentEvidence.Kind.BatmapHeader, 0, at + inExtent, 0, 0));
            seen = true;
        }

        foreach (var (block, bitmapAt) in vhd.BitmapsIn(lvStart, lvStart + e))
        {
            var dataEnd = bitmapAt + Sector + vhd.BlockSizeBytes;
            var (s, reject, sign) = ScoreBitmap(block, at, bitmapAt - lvStart, dataEnd - lvStart, BatmapFull(batmap, block));
            if (reject)
            {
                return Rejected(score + s, sign, signs);
            }

            score += s;
            signs?.Add(sign);
            seen = true;
        }

        var footer = _probes.EndsWithFooter(pe, vhd.VhdUuid);
        if (footer)
        {
            score += 8;
            signs?.Add(new(ExtentEvidence.Kind.Footer, 0, at + e - Sector, 0, 0));
            seen = true;
        }

        return new ExtentScore(score, false, footer, seen);
    }

    private static ExtentScore Rejected(double score, ExtentEvidence.Sign why, List<ExtentEvidence.Sign>? signs)
    {
        signs?.Clear();
        signs?.Add(why);
        return new ExtentScore(score, true, false, true);
    }

    /// <summary>
    /// The block that runs in from logical extent k-1 (in <paramref name="prevPe"/>): its bitmap
    /// there says which of the first sectors of this extent hold data. The first 64 are checked.
    /// No sign when no block runs in.
    /// </summary>
    public (double Score, ExtentEvidence.Sign? Sign) RunIn(VhdStart vhd, long k, long pe, long prevPe)
    {
        var e = _grid.ExtentSizeBytes;
        var lvStart = k * e;
        if (prevPe < 0 || BlockRunningIn(vhd, lvStart) is not { } run)
        {
            return (0, null);
        }

        var bitmap = BitmapRunningIn(run, prevPe, lvStart);
        var count = (int)Math.Min(RunInSectors, Math.Min((run.DataEnd - lvStart) / Sector, e / Sector));
        var (agree, disagree) = BitmapAgreement.Count(_probes.NonZeroSectors(pe, count), bitmap, (lvStart - run.DataStart) / Sector, count);
        return ((agree * 0.25) - (disagree * 1.0), new ExtentEvidence.Sign(ExtentEvidence.Kind.RunIn, run.Block, 0, agree, agree + disagree));
    }

    /// <summary>
    /// Whether an extent of zeros where <see cref="RunIn"/> looks scores above nothing as logical
    /// extent k: the block running in from <paramref name="prevPe"/> has a clear bit among the
    /// sectors checked (a clear bit over zeros agrees). When not, only an extent with data there
    /// or with a footer at its end can fit a logical extent that holds no bitmap.
    /// </summary>
    public bool BlankExtentAgrees(VhdStart vhd, long k, long prevPe)
    {
        var e = _grid.ExtentSizeBytes;
        var lvStart = k * e;
        if (prevPe < 0 || BlockRunningIn(vhd, lvStart) is not { } run)
        {
            return false;
        }

        var count = (int)Math.Min(RunInSectors, Math.Min((run.DataEnd - lvStart) / Sector, e / Sector));
        var blank = new ulong[(count + 63) / 64];
        return BitmapAgreement.Count(blank, BitmapRunningIn(run, prevPe, lvStart), (lvStart - run.DataStart) / Sector, count).Agree > 0;
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
        if (prevPe < 0 || BlockRunningIn(vhd, lvStart) is not { } run)
        {
            return (0, 0);
        }

        var total = (int)(Math.Min(run.DataEnd - lvStart, e) / Sector);
        return BitmapAgreement.Count(_probes.NonZeroSectors(pe, total), BitmapRunningIn(run, prevPe, lvStart), (lvStart - run.DataStart) / Sector, total);
    }

    /// <summary>A block whose bitmap lies in the extent before the one at LV byte lvStart and whose data runs on into it.</summary>
    private readonly record struct RunningBlock(int Block, long BitmapAt, long DataStart, long DataEnd);

    /// <summary>The first block whose bitmap is in logical extent k-1 and whose data crosses into k (starting at <paramref name="lvStart"/>).</summary>
    private RunningBlock? BlockRunningIn(VhdStart vhd, long lvStart)
    {
        foreach (var (block, bitmapAt) in vhd.BitmapsIn(lvStart - _grid.ExtentSizeBytes, lvStart))
        {
            var dataStart = bitmapAt + Sector;
            var dataEnd = dataStart + vhd.BlockSizeBytes;
            if (dataStart < lvStart && dataEnd > lvStart)
            {
                return new RunningBlock(block, bitmapAt, dataStart, dataEnd);
            }
        }

        return null;
    }

    /// <summary>The bitmap of the block running in, where it lies in the previous extent (read once, <see cref="ExtentProbes.SectorAt"/>).</summary>
    private byte[] BitmapRunningIn(RunningBlock run, long prevPe, long lvStart) =>
        _probes.SectorAt(_grid.OffsetOf(prevPe) + (run.BitmapAt - (lvStart - _grid.ExtentSizeBytes)));

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
        BatmapHeader.TryRead(raw, _grid.OffsetOf(pe1) + (hdrAt - e), new Diagnostics.FindingLog(), _pv.Name, out var header);
        var bytes = BatmapHeader.ChecksummedBytes(vhd.Footer.CurrentSizeBytes);
        if (header is null || header.BatmapOffset < (ulong)e || header.BatmapOffset + (ulong)bytes > (ulong)(2 * e) || bytes > 1 << 20)
        {
            return null;
        }

        var map = new byte[bytes];
        _pv.ReadFullyAt(_grid.OffsetOf(pe1) + ((long)header.BatmapOffset - e), map);
        return BatmapHeader.ComputeChecksum(map, vhd.Footer.CurrentSizeBytes, header.Version) == header.StoredChecksum ? map : null;
    }

    private (double Score, bool Reject, ExtentEvidence.Sign Sign) ScoreBitmap(int block, long extentAt, long inExtent, long dataEndInExtent, bool? batmapFull)
    {
        var gapBytes = (int)Math.Min(GapSectors * Sector, inExtent);
        var dataSectors = (int)Math.Clamp((Math.Min(dataEndInExtent, _grid.ExtentSizeBytes) - inExtent - Sector) / Sector, 0, CheckedDataSectors);
        var at = extentAt + inExtent;
        var probe = _probes.Bitmap(at, gapBytes, dataSectors);
        if (!probe.IsBitmap)
        {
            return (-5, true, new ExtentEvidence.Sign(ExtentEvidence.Kind.NoBitmap, block, at, 0, 0));
        }

        if (batmapFull == true && !probe.AllSet)
        {
            // The batmap is never ahead of the bitmaps (tapdisk writes it on close, vhd.md 3.3).
            return (-5, true, new ExtentEvidence.Sign(ExtentEvidence.Kind.BitmapNotFull, block, at, 0, 0));
        }

        var score = probe.Score - (batmapFull == false && probe.AllSet ? 3 : 0);
        return (score, false, new ExtentEvidence.Sign(ExtentEvidence.Kind.Bitmap, block, at, probe.Agree, probe.Agree + probe.Disagree));
    }
}
