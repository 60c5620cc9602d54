using SrRescue.Diagnostics;
using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// Reads a segment's area lists (import_vsn1.c text_import_areas, lvm2.md 3.7) and resolves each
/// name: first as a PV key of this copy, then as an LV name. Names that are neither are findings.
/// </summary>
internal sealed class AreaResolver(ModelReadContext ctx, string structure, IReadOnlySet<string> pvKeys, IReadOnlySet<string> lvNames)
{
    /// <summary>A list of (name, number) pairs such as <c>stripes = ["pv0", 0, "pv1", 0]</c>.</summary>
    public List<SegmentArea> ReadPairs(ConfigSection seg, string key, bool required)
    {
        var areas = new List<SegmentArea>();
        var node = seg.Find(key);
        if (node is not ConfigValue { IsArray: true } value)
        {
            if (node is not null || required)
            {
                ctx.Add(Severity.Error, node is null ? "lvm.lv.missing-key" : "lvm.lv.bad-areas", structure,
                    node?.Offset ?? seg.Offset, node is null ? $"required key '{key}' is missing" : $"'{key}' is not an array");
            }

            return areas;
        }

        var items = value.Items;
        var limit = 2L * Limits.MaxStripes;
        if (items.Count > limit)
        {
            ctx.Add(Severity.Error, "lvm.lv.bad-areas", structure, value.Offset,
                $"'{key}' has {items.Count / 2} areas, more than {Limits.MaxStripes}; the rest are not read");
        }

        var end = (int)Math.Min(items.Count, limit);
        for (var i = 0; i + 1 < end; i += 2)
        {
            var name = items[i];
            if (!name.IsString || !items[i + 1].TryGetInt64(out var index) || index < 0)
            {
                ctx.Add(Severity.Error, "lvm.lv.bad-areas", structure, name.Offset,
                    $"'{key}' pair {i / 2} is ({name}, {items[i + 1]}), not (name, extent number)");
                continue;
            }

            areas.Add(Resolve(name, index));
        }

        if (end % 2 != 0)
        {
            ctx.Add(Severity.Error, "lvm.lv.bad-areas", structure, items[end - 1].Offset,
                $"'{key}' has an odd number of elements; the last one has no extent number");
        }

        return areas;
    }

    /// <summary>A list of sub-LV names such as <c>raids = ["lv_rmeta_0", "lv_rimage_0"]</c>.</summary>
    public List<SegmentArea> ReadNames(ConfigSection seg, string key)
    {
        var areas = new List<SegmentArea>();
        if (seg.FindValue(key) is not { IsArray: true } value)
        {
            return areas;
        }

        foreach (var item in value.Items.Take(Limits.MaxStripes * 2))
        {
            if (item.IsString)
            {
                areas.Add(Resolve(item, 0));
            }
            else
            {
                ctx.Add(Severity.Error, "lvm.lv.bad-areas", structure, item.Offset, $"'{key}' holds the non-name {item}");
            }
        }

        return areas;
    }

    private SegmentArea Resolve(ConfigScalar name, long index)
    {
        var isPv = pvKeys.Contains(name.Text);
        if (!isPv && !lvNames.Contains(name.Text))
        {
            ctx.Add(Severity.Error, "lvm.lv.unknown-area", structure, name.Offset,
                $"area '{name.Text}' is neither a PV key nor an LV of this VG", stored: name.Text);
        }

        return new SegmentArea(name.Text, index, isPv, name.Offset);
    }
}
