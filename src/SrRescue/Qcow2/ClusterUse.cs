namespace SrRescue.Qcow2;

/// <summary>
/// What the checker found a host cluster to hold, as a bit set: a cluster claimed by two kinds of
/// structure (an L2 table in a refcount block, guest data in the L1 table) shows as two bits. The
/// same kind claimed twice (an L2 table shared by snapshots, data shared by snapshots) is one bit;
/// whether that sharing is right is the refcount's business.
/// </summary>
[Flags]
internal enum ClusterUse : byte
{
    None = 0,
    Header = 1,
    ActiveL1 = 2,
    L2Table = 4,
    SnapshotL1 = 8,
    RefcountTable = 16,
    RefcountBlock = 32,

    /// <summary>The snapshot table, the bitmap directory, bitmap tables and bitmap data, the encryption header.</summary>
    OtherMetadata = 64,

    /// <summary>Guest data, standard or compressed.</summary>
    Data = 128,
}

internal static class ClusterUses
{
    public static string Describe(ClusterUse uses) =>
        string.Join(" and ", Enum.GetValues<ClusterUse>().Where(u => u != ClusterUse.None && (uses & u) != 0).Select(Name));

    private static string Name(ClusterUse use) => use switch
    {
        ClusterUse.Header => "the header",
        ClusterUse.ActiveL1 => "the active L1 table",
        ClusterUse.L2Table => "an L2 table",
        ClusterUse.SnapshotL1 => "a snapshot's L1 table",
        ClusterUse.RefcountTable => "the refcount table",
        ClusterUse.RefcountBlock => "a refcount block",
        ClusterUse.OtherMetadata => "the snapshot table, bitmaps or encryption header",
        _ => "guest data",
    };
}
