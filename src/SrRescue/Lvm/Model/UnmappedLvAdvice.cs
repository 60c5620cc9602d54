namespace SrRescue.Lvm.Model;

/// <summary>
/// What to export instead of an LV whose segments are not linear or striped (lvm2.md 3.7): the
/// data of a mirror or RAID1 is whole in each image sub-LV, a thin pool's data is its _tdata LV,
/// and a thin volume's blocks are mapped by the pool's metadata (_tmeta), which this tool does not
/// read. Null when every segment is linear or striped.
/// </summary>
public static class UnmappedLvAdvice
{
    public static string? For(VgMetadata vg, LvMetadata lv)
    {
        ArgumentNullException.ThrowIfNull(vg);
        ArgumentNullException.ThrowIfNull(lv);
        var segment = lv.Segments.FirstOrDefault(s => !s.IsStriped);
        if (segment is null)
        {
            return null;
        }

        var images = segment.Areas.Select(a => a.Name).Where(n => n.Contains("_rimage_", StringComparison.Ordinal) || n.Contains("_mimage_", StringComparison.Ordinal)).ToList();
        return segment.BaseType switch
        {
            "raid1" or "mirror" when images.Count > 0 =>
                $"{lv.Name} is a {segment.BaseType} LV: each image holds the whole data; export one of them with --lv {string.Join(" or --lv ", images)}",
            "thin-pool" => $"{lv.Name} is a thin pool: its data area is --lv {Ref(segment, "pool") ?? lv.Name + "_tdata"} (the thin volumes' blocks, mapped by {Ref(segment, "metadata") ?? lv.Name + "_tmeta"})",
            "thin" => $"{lv.Name} is a thin volume of pool {Ref(segment, "thin_pool") ?? "?"}: its blocks are mapped by the pool's metadata, which SrRescue does not read " +
                "(thin_dump from thin-provisioning-tools reads it); the pool's data area is its _tdata LV",
            _ => $"{lv.Name} has a {segment.BaseType} segment, which SrRescue does not map to extents; its sub-LVs ({string.Join(", ", segment.Areas.Select(a => a.Name).Concat(segment.ReferencedLvNames).Distinct(StringComparer.Ordinal))}) are exported with --lv",
        };
    }

    /// <summary>The LV a segment names under a key (metadata, pool, thin_pool), read from the section as written.</summary>
    private static string? Ref(LvSegment segment, string key) =>
        segment.Section.Entries.OfType<Text.ConfigValue>().FirstOrDefault(v => v.Key == key)?.AsString();
}
