namespace SrRescue.Lvm.Model;

/// <summary>Segment type names (lvm2.md 3.7) and which keys of each name other LVs.</summary>
internal static class SegmentTypes
{
    public const string Striped = "striped";
    public const string Linear = "linear";

    /// <summary>Types LVM knows that this tool recognises but does not map to PEs.</summary>
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "mirror", "raid0", "raid0_meta", "raid1", "raid10", "raid10_near", "raid4", "raid5", "raid5_n",
        "raid5_la", "raid5_ra", "raid5_ls", "raid5_rs", "raid6", "raid6_n_6", "raid6_zr", "raid6_nr",
        "raid6_nc", "raid6_ls_6", "raid6_rs_6", "raid6_la_6", "raid6_ra_6", "thin-pool", "thin",
        "snapshot", "cache-pool", "cache", "writecache", "vdo-pool", "vdo", "integrity", "error",
        "zero", "free",
    };

    /// <summary>Area lists of (name, number) pairs: stripes and mirror images (export.c out_areas).</summary>
    public static readonly string[] PairAreaKeys = ["stripes", "mirrors"];

    /// <summary>Area lists of names only: RAID meta/data images (lib/raid/raid.c).</summary>
    public static readonly string[] NameAreaKeys = ["raids", "raid0_lvs"];

    /// <summary>Plain string keys that name another LV of the VG (thin, snapshot, cache, mirror log…).</summary>
    public static readonly string[] LvReferenceKeys =
    [
        "mirror_log", "metadata", "pool", "thin_pool", "origin", "cow_store", "merging_store",
        "cache_pool", "data", "writecache", "vdo_pool", "meta_dev", "external_origin",
    ];

    public static bool IsKnown(string baseType) => Known.Contains(baseType);
}
