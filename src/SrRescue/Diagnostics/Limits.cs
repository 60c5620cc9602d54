namespace SrRescue.Diagnostics;

/// <summary>
/// Upper bounds for every size and count read from disk. A value above its limit is treated as
/// damage (a finding), never used to allocate or loop.
/// </summary>
internal static class Limits
{
    /// <summary>LVM allows two metadata areas per PV (FMT_TEXT_MAX_MDAS_PER_PV, lvm2.md 1.4).</summary>
    public const int MaxMetadataAreasPerPv = 2;

    /// <summary>Data areas per PV; LVM writes exactly one.</summary>
    public const int MaxDataAreasPerPv = 8;

    /// <summary>The largest metadata area we read whole into memory (XenServer uses 11 MiB, lvm2's default is 1 MiB).</summary>
    public const long MaxMetadataAreaBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The largest single metadata text copy. LVM refuses more than half the mda; XenServer's
    /// 11 MiB ring holds copies of at most 5.5 MiB (about 20,000 LVs).
    /// </summary>
    public const int MaxMetadataTextBytes = 16 * 1024 * 1024;

    /// <summary>Nesting depth of sections in LVM's config text (real files use 4-5).</summary>
    public const int MaxConfigDepth = 64;

    /// <summary>Tokens in one metadata text; bounds parser work on garbage input.</summary>
    public const int MaxConfigNodes = 4_000_000;

    /// <summary>Segments of one LV (LVM itself has no hard limit; XenServer LVs have a few).</summary>
    public const int MaxSegmentsPerLv = 1_000_000;

    /// <summary>Stripes of one segment.</summary>
    public const int MaxStripes = 1024;

    /// <summary>Files read from an --lvm-backup folder.</summary>
    public const int MaxBackupFiles = 100_000;
}
