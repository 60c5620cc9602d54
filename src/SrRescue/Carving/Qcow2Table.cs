namespace SrRescue.Carving;

/// <summary>The tables of a QCOW2 image whose place the carve can check by their content (qcow2.txt).</summary>
internal enum Qcow2TableKind
{
    /// <summary>One cluster of the refcount table: host offsets of refcount blocks.</summary>
    RefcountTable,

    /// <summary>One cluster of the L1 table: host offsets of L2 tables.</summary>
    L1,

    /// <summary>A refcount block: how many references each host cluster of its range has.</summary>
    RefcountBlock,

    /// <summary>An L2 table: where each guest cluster of its range is.</summary>
    L2,
}

/// <summary>
/// One table cluster an image expects at a host (LV) offset: the L1 entry or refcount table entry
/// that points at it says so. <see cref="Index"/>: the L1 index of an L2 table, the refcount block's
/// number, the cluster's number inside the L1 or refcount table.
/// </summary>
internal readonly record struct Qcow2Table(Qcow2TableKind Kind, long HostOffset, long Index)
{
    public string Describe() => Kind switch
    {
        Qcow2TableKind.L2 => $"L2 table of L1 entry {Index}",
        Qcow2TableKind.RefcountBlock => $"refcount block {Index}",
        Qcow2TableKind.L1 => $"L1 table cluster {Index}",
        _ => $"refcount table cluster {Index}",
    };
}

/// <summary>
/// What a table looks like whatever image it belongs to: its kind, and the header fields that shape
/// its entries (the cluster size, extended L2 entries, the refcount width). Images of one shape share
/// the generic look-ups of <see cref="Qcow2TableIndex"/>.
/// </summary>
internal readonly record struct Qcow2TableShape(Qcow2TableKind Kind, int ClusterBits, bool ExtendedL2, int RefcountOrder);

/// <summary>
/// How one table cluster read at a candidate place fits: entries that are well formed and agree with
/// what the image is known to hold (<see cref="Valid"/>, not counting empty ones), entries that cannot
/// be right (<see cref="Invalid"/>, the first one's reason in <see cref="Problem"/>), and of an L2
/// table the entries whose cluster lies in the extent's worth of clusters after the table
/// (<see cref="Near"/>, qcow2.md 8): qemu allocates a table when the guest first writes in its
/// range, and the clusters of that write right after it, so the true table's clusters tend to
/// follow it while another table of the same image, read in its place, points elsewhere.
/// </summary>
internal readonly record struct TableVerdict(int Valid, int Invalid, string? Problem, int Near = 0)
{
    /// <summary>Entries that may be wrong while the cluster still counts as the table, damaged: one in four.</summary>
    private const int DamageRatio = 4;

    /// <summary>Good entries a damaged table needs to be recognised at all.</summary>
    private const int MinGoodInDamaged = 8;

    public bool IsEmpty => Valid == 0 && Invalid == 0;

    /// <summary>Every entry is right and at least one is in use.</summary>
    public bool IsClean => Valid > 0 && Invalid == 0;

    /// <summary>Mostly right: the table, with some entries damaged.</summary>
    public bool IsDamaged => Invalid > 0 && Valid >= MinGoodInDamaged && Invalid * DamageRatio <= Valid;

    /// <summary>The cluster holds this table (cleanly or damaged), or is empty.</summary>
    public bool IsAcceptable => IsEmpty || IsClean || IsDamaged;

    /// <summary>Good entries count for (those near the table twice), bad ones against.</summary>
    public double Score => Valid + Near - (DamageRatio * (double)Invalid);
}
