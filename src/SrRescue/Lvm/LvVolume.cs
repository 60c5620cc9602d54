using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm.Model;

namespace SrRescue.Lvm;

/// <summary>
/// An LV as a readable volume: logical byte x of a segment lies at
/// <c>(pe_start + pe × extent_size) × 512</c> on the PV its area names, striped segments follow
/// dm-stripe (lvm2.md 3.9). Ranges that cannot be mapped (missing PV, a segment type whose data
/// needs more than the text, a gap) read as zeros and are listed in <see cref="UnmappedRanges"/>.
/// </summary>
public sealed class LvVolume : ISparseSource
{
    private const int MaxSubLvDepth = 8;
    private readonly MappedVolume _volume;

    private LvVolume(MappedVolume volume, IReadOnlyList<UnmappedRange> unmapped)
    {
        _volume = volume;
        UnmappedRanges = unmapped;
    }

    public string Name => _volume.Name;

    public long Length => _volume.Length;

    /// <summary>Byte ranges of the LV that read as zeros because their place is unknown, with the reason.</summary>
    public IReadOnlyList<UnmappedRange> UnmappedRanges { get; }

    /// <summary>
    /// Maps <paramref name="lv"/> of <paramref name="vg"/>. <paramref name="findPv"/> gives the
    /// readable PV (byte 0 = PV start) for a PV uuid, or null when that PV is not available.
    /// </summary>
    public static LvVolume Open(VgMetadata vg, LvMetadata lv, Func<string, IByteSource?> findPv, FindingLog log) =>
        Open(vg, lv, findPv, log, 0);

    private static LvVolume Open(VgMetadata vg, LvMetadata lv, Func<string, IByteSource?> findPv, FindingLog log, int depth)
    {
        ArgumentNullException.ThrowIfNull(vg);
        ArgumentNullException.ThrowIfNull(lv);
        ArgumentNullException.ThrowIfNull(findPv);
        ArgumentNullException.ThrowIfNull(log);
        var extentBytes = checked(vg.ExtentSizeSectors * 512L);
        var runs = new List<MappedVolume.Run>();
        var unmapped = new List<UnmappedRange>();
        long length = 0;
        foreach (var seg in lv.Segments.OrderBy(s => s.StartExtent))
        {
            var start = checked(seg.StartExtent * extentBytes);
            var bytes = checked(seg.ExtentCount * extentBytes);
            if (start > length)
            {
                // Damaged metadata: no segment maps these extents; they read as zeros.
                unmapped.Add(new UnmappedRange(length, start - length, "no segment maps these extents"));
            }

            length = Math.Max(length, checked(start + bytes));
            var areas = MapAreas(vg, lv, seg, extentBytes, findPv, log, depth, out var reason);
            if (areas is null)
            {
                unmapped.Add(new UnmappedRange(start, bytes, reason!));
                runs.Add(new MappedVolume.Run(start, bytes, []));
                continue;
            }

            var stripeBytes = areas.Length > 1 ? checked((seg.StripeSizeSectors ?? 0) * 512L) : 0;
            runs.Add(new MappedVolume.Run(start, bytes, areas, stripeBytes));
            AddTruncated(areas, start, bytes, unmapped, log);
        }

        // Overlapping segments (damaged metadata): a later-starting segment's bytes win, as
        // when each byte is read from the last segment starting at or before it.
        var placed = new List<MappedVolume.Run>();
        foreach (var r in runs)
        {
            while (placed.Count > 0 && placed[^1].End > r.Start)
            {
                var last = placed[^1];
                placed.RemoveAt(placed.Count - 1);
                if (last.Start < r.Start)
                {
                    placed.Add(last with { Length = r.Start - last.Start });
                }
            }

            placed.Add(r);
        }

        return new LvVolume(new MappedVolume($"{lv.Name} of {vg.Name} seqno {vg.Seqno}", length, placed), unmapped);
    }

    /// <summary>
    /// A segment whose extents lie past the end of their source (an image shorter than the PV's
    /// pe_count says): those bytes read as zeros, so they are unmapped and a finding.
    /// </summary>
    private static void AddTruncated(MappedVolume.Area[] areas, long start, long bytes, List<UnmappedRange> unmapped, FindingLog log)
    {
        var areaBytes = bytes / areas.Length;
        foreach (var a in areas.Where(a => a.Source is not LvVolume))
        {
            var have = Math.Max(0, a.Source.Length - a.Offset);
            if (have >= areaBytes)
            {
                continue;
            }

            log.Add(Severity.Error, SourceCodes.Truncated, "PV extents", a.Offset + have,
                $"{a.Source.Name} ends at byte {a.Source.Length}, but extents mapped there run to byte {a.Offset + areaBytes}: bytes {a.Offset + have}-{a.Offset + areaBytes - 1} are missing (the image is truncated)",
                stored: a.Source.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), computed: $">= {a.Offset + areaBytes}", source: a.Source.Name);
            // Linear: the exact tail; striped: the whole segment may hold zeros.
            unmapped.Add(areas.Length == 1
                ? new UnmappedRange(start + have, bytes - have, $"{a.Source.Name} ends at byte {a.Source.Length}: the source is truncated")
                : new UnmappedRange(start, bytes, $"a stripe of this segment lies past the end of {a.Source.Name} (truncated at byte {a.Source.Length})"));
        }
    }

    private static MappedVolume.Area[]? MapAreas(VgMetadata vg, LvMetadata lv, LvSegment seg, long extentBytes, Func<string, IByteSource?> findPv, FindingLog log, int depth, out string? reason)
    {
        reason = null;
        if (!seg.IsStriped || seg.Areas.Count == 0)
        {
            reason = $"segment type \"{seg.Type}\" is not a linear or striped mapping";
            return null;
        }

        if (seg.Areas.Count > 1 && ((seg.StripeSizeSectors ?? 0) <= 0 || seg.ExtentCount % seg.Areas.Count != 0))
        {
            reason = "striped segment without a usable stripe size or with extents not divisible by the stripe count";
            return null;
        }

        var areas = new MappedVolume.Area[seg.Areas.Count];
        for (var i = 0; i < areas.Length; i++)
        {
            var a = seg.Areas[i];
            var pv = vg.FindPvByKey(a.Name);
            if (pv is not null)
            {
                var source = findPv(pv.Id);
                if (source is null)
                {
                    reason = $"PV {pv.Id} ({a.Name}) is not among the sources";
                    return null;
                }

                areas[i] = new MappedVolume.Area(source, checked((pv.PeStartSectors * 512L) + (a.StartIndex * extentBytes)));
                continue;
            }

            var sub = vg.FindLv(a.Name);
            if (sub is null || depth >= MaxSubLvDepth || ReferenceEquals(sub, lv))
            {
                reason = $"area \"{a.Name}\" names neither a PV nor a usable sub-LV";
                return null;
            }

            areas[i] = new MappedVolume.Area(Open(vg, sub, findPv, log, depth + 1), checked(a.StartIndex * extentBytes));
        }

        return areas;
    }

    public int ReadAt(long offset, Span<byte> buffer) => _volume.ReadAt(offset, buffer);

    public long NextDataOffset(long offset, long limit) => _volume.NextDataOffset(offset, limit);

    public long NextHoleOffset(long offset, long limit) => _volume.NextHoleOffset(offset, limit);
}

/// <summary>A byte range of an LV whose data could not be located, and why.</summary>
public sealed record UnmappedRange(long OffsetBytes, long LengthBytes, string Reason);
