using SrRescue.Diagnostics;
using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// Reads one LV section and its segments (lvm2.md 3.6, 3.7) with the checks vgcfgrestore makes:
/// required keys, segment_count against the real number of segments, no gap or overlap in the
/// logical extents, stripes dividing extent_count, every area name resolvable. Problems become
/// findings; the LV is still returned with what could be read.
/// </summary>
internal static class LvMetadataReader
{
    private const string Prefix = "lvm.lv";

    public static LvMetadata Read(ConfigSection lv, ModelReadContext ctx, IReadOnlySet<string> pvKeys, IReadOnlySet<string> lvNames)
    {
        var errorsBefore = ctx.ErrorCount;
        var structure = $"LV {lv.Key}";
        if (!LvmNames.IsValidName(lv.Key))
        {
            // lvm2 takes only [a-zA-Z0-9+_.-] (lib/misc/lvm-string.c validate_name): bytes past
            // ASCII or control characters here are damage, not a name.
            ctx.Add(Severity.Warning, "lvm.lv.bad-name", structure, lv.Offset, "the LV name is not a valid LVM name", stored: lv.Key);
        }

        var id = ctx.GetString(lv, "id", Prefix, structure, Severity.Error) ?? "";
        var status = ctx.GetStringList(lv, "status", Prefix, structure, Severity.Error);
        var flags = ctx.GetStringList(lv, "flags", Prefix, structure, missing: null);
        var tags = ctx.GetStringList(lv, "tags", Prefix, structure, missing: null);
        var creationTime = ctx.GetInt64(lv, "creation_time", Prefix, structure, missing: null);
        var creationHost = ctx.GetString(lv, "creation_host", Prefix, structure, missing: null);
        if ((creationTime is null) != (creationHost is null))
        {
            // LVM's importer wants both or neither (import_vsn1.c _read_lvnames).
            ctx.Add(Severity.Warning, "lvm.lv.creation", structure, lv.Offset, "creation_time and creation_host must come together");
        }

        var declaredCount = ctx.GetInt64(lv, "segment_count", Prefix, structure, Severity.Error, min: 0);
        var sections = new List<ConfigSection>();
        foreach (var s in lv.Sections)
        {
            if (sections.Count == Limits.MaxSegmentsPerLv)
            {
                ctx.Add(Severity.Error, "lvm.lv.too-many-segments", structure, s.Offset,
                    $"more than {Limits.MaxSegmentsPerLv} segments; the rest are not read");
                break;
            }

            sections.Add(s);
        }

        if (declaredCount is { } declared && declared != sections.Count)
        {
            ctx.Add(Severity.Error, "lvm.lv.segment-count", structure, lv.FindValue("segment_count")!.Offset,
                "segment_count and actual number of segments disagree",
                stored: declared.ToString(), computed: sections.Count.ToString());
        }

        // Every sub-section is a segment whatever its name; order is by start_extent (lvm2.md 3.6).
        var segments = sections.Select(s => ReadSegment(s, lv.Key, ctx, pvKeys, lvNames))
            .OrderBy(s => s.StartExtent).ToList();
        CheckContiguous(segments, structure, ctx);
        return new LvMetadata
        {
            Name = lv.Key,
            Id = id,
            Status = status,
            Flags = flags,
            Tags = tags,
            CreationTime = creationTime,
            CreationHost = creationHost,
            Segments = segments,
            Offset = lv.Offset,
            Section = ctx.KeepTree || (ctx.KeepLvTree?.Invoke(lv.Key, id) ?? false) ? lv : null!,
            HasErrors = ctx.ErrorCount > errorsBefore,
        };
    }

    /// <summary>Segments must cover logical extents 0, 1, … without gaps or overlaps (check_lv_segments).</summary>
    private static void CheckContiguous(List<LvSegment> segments, string structure, ModelReadContext ctx)
    {
        long expected = 0;
        foreach (var s in segments)
        {
            if (s.StartExtent > expected)
            {
                ctx.Add(Severity.Error, "lvm.lv.extent-gap", $"{structure} {s.Key}", s.Offset,
                    $"logical extents {expected}-{s.StartExtent - 1} are in no segment",
                    stored: s.StartExtent.ToString(), computed: expected.ToString());
            }
            else if (s.StartExtent < expected)
            {
                ctx.Add(Severity.Error, "lvm.lv.extent-overlap", $"{structure} {s.Key}", s.Offset,
                    $"segment starts at logical extent {s.StartExtent}, inside the previous segment (which ends before {expected})",
                    stored: s.StartExtent.ToString(), computed: expected.ToString());
            }

            expected = Math.Max(expected, s.EndExtent);
        }
    }

    private static LvSegment ReadSegment(ConfigSection seg, string lvName, ModelReadContext ctx,
        IReadOnlySet<string> pvKeys, IReadOnlySet<string> lvNames)
    {
        var structure = $"LV {lvName} {seg.Key}";
        var start = ctx.GetInt64(seg, "start_extent", Prefix, structure, Severity.Error, min: 0) ?? 0;
        var count = ctx.GetInt64(seg, "extent_count", Prefix, structure, Severity.Error, min: 1) ?? 0;
        var type = ctx.GetString(seg, "type", Prefix, structure, Severity.Error) ?? SegmentTypes.Striped;
        var plus = type.IndexOf('+');
        var baseType = plus < 0 ? type : type[..plus];
        var resolver = new AreaResolver(ctx, structure, pvKeys, lvNames);
        if (baseType is SegmentTypes.Striped or SegmentTypes.Linear)
        {
            return ReadStriped(seg, ctx, structure, resolver, start, count, type, baseType == SegmentTypes.Linear);
        }

        var typeOffset = seg.FindValue("type")?.Offset ?? seg.Offset;
        ctx.Add(Severity.Info, "lvm.lv.segment-type", structure, typeOffset, SegmentTypes.IsKnown(baseType)
            ? $"segment type '{type}' is recognised but not mapped to extents; kept verbatim"
            : $"unknown segment type '{type}'; kept verbatim");
        var areas = new List<SegmentArea>();
        foreach (var key in SegmentTypes.PairAreaKeys)
        {
            areas.AddRange(resolver.ReadPairs(seg, key, required: false));
        }

        foreach (var key in SegmentTypes.NameAreaKeys)
        {
            areas.AddRange(resolver.ReadNames(seg, key));
        }

        var references = new List<string>();
        foreach (var key in SegmentTypes.LvReferenceKeys)
        {
            if (seg.FindValue(key) is { } v && v.AsString() is { } name)
            {
                if (lvNames.Contains(name))
                {
                    references.Add(name);
                }
                else
                {
                    ctx.Add(Severity.Warning, "lvm.lv.unknown-reference", structure, v.Offset,
                        $"'{key}' names '{name}', which is not an LV of this VG", stored: name);
                }
            }
        }

        var stripes = ctx.GetInt64(seg, "stripe_count", Prefix, structure, missing: null, min: 1);
        return new LvSegment
        {
            Key = seg.Key,
            StartExtent = start,
            ExtentCount = count,
            Type = type,
            StripeCount = stripes is { } n && n <= Limits.MaxStripes ? (int)n : 0,
            StripeSizeSectors = ctx.GetInt64(seg, "stripe_size", Prefix, structure, missing: null, min: 1),
            Areas = areas,
            ReferencedLvNames = references,
            Offset = seg.Offset,
            Section = seg,
        };
    }

    private static LvSegment ReadStriped(ConfigSection seg, ModelReadContext ctx, string structure, AreaResolver resolver,
        long start, long count, string type, bool linear)
    {
        var stripeCountValue = seg.FindValue("stripe_count");
        var declared = ctx.GetInt64(seg, "stripe_count", Prefix, structure, linear ? null : Severity.Error, min: 1);
        var areas = resolver.ReadPairs(seg, "stripes", required: true);
        var where = stripeCountValue?.Offset ?? seg.Offset;
        if (declared > Limits.MaxStripes)
        {
            ctx.Add(Severity.Error, "lvm.lv.bad-stripes", structure, where,
                $"stripe_count {declared} is above the limit of {Limits.MaxStripes}", stored: declared.ToString());
            declared = null;
        }

        var stripes = (int)(declared ?? Math.Max(1, areas.Count));
        if (areas.Count != stripes && declared is not null)
        {
            ctx.Add(Severity.Error, "lvm.lv.bad-stripes", structure, where,
                $"stripe_count is {stripes} but the stripes list has {areas.Count} areas",
                stored: stripes.ToString(), computed: areas.Count.ToString());
        }

        if (count % stripes != 0)
        {
            ctx.Add(Severity.Error, "lvm.lv.bad-stripes", structure, where,
                $"extent_count {count} is not a multiple of stripe_count {stripes}",
                stored: count.ToString(), computed: $"multiple of {stripes}");
        }

        // stripe_size is required only with more than one stripe (striped.c _striped_text_import).
        var stripeSize = ctx.GetInt64(seg, "stripe_size", Prefix, structure, stripes > 1 ? Severity.Error : null, min: 1);
        return new LvSegment
        {
            Key = seg.Key,
            StartExtent = start,
            ExtentCount = count,
            Type = type,
            StripeCount = stripes,
            StripeSizeSectors = stripes > 1 ? stripeSize : null,
            Areas = areas,
            Offset = seg.Offset,
            Section = ctx.KeepTree ? seg : null!,
        };
    }
}
