using SrRescue.Qcow2;

namespace SrRescue.Carving;

/// <summary>
/// The first extent of a carved QCOW2 LV (XCP-ng 8.3's <c>QCOW2-&lt;vdi uuid&gt;</c>): the image
/// starts at LV offset 0, so its header is at the start of a physical extent. What the header
/// cluster says: the header, its extensions, the backing file name and XCP-ng's hidden flag.
/// Host offsets of the image are LV-relative bytes.
/// </summary>
public sealed record Qcow2Start(long Pe, long OffsetBytes, Qcow2Header Header, IReadOnlyList<Qcow2Extension> Extensions, string? BackingFileName)
{
    /// <summary>sm's QCOW2 overhead rounding (lvmcowutil.py): 64 KiB, qemu's default cluster.</summary>
    private const long SmRoundBytes = 64 * 1024;

    public long ClusterSizeBytes => Header.ClusterSizeBytes;

    public long VirtualSizeBytes => (long)Math.Min(Header.VirtualSizeBytes, (ulong)long.MaxValue / 2);

    /// <summary>XCP-ng's hidden flag ('vate' extension, first data byte); null when the image has none (not made by sm).</summary>
    public bool? IsHidden => Extensions.FirstOrDefault(e => e.Type == Qcow2Extension.XcpHidden) is { } e ? e.Data.Length > 0 && e.Data[0] != 0 : null;

    /// <summary>Whether the dirty bit says the refcounts may be stale (lazy refcounts): they then decide nothing.</summary>
    public bool RefcountsMayBeStale => (Header.IncompatibleFeatures & Qcow2Incompatible.Dirty) != 0;

    /// <summary>
    /// The LV size sm gives a QCOW2 VDI of this virtual size (qcow2.md 7, lvmcowutil.py): the virtual
    /// size plus the metadata overhead (header and refcount clusters, 8 bytes of L2 entry per 64 KiB
    /// cluster) rounded to 64 KiB, rounded up to whole extents.
    /// </summary>
    public long SizeRuleExtents(long extentSizeBytes)
    {
        var v = VirtualSizeBytes;
        // virtual * 8 / 64 KiB, without the overflow of multiplying first.
        var overhead = RoundUp((2 * SmRoundBytes) + (v / 8192), SmRoundBytes);
        return (v + overhead + extentSizeBytes - 1) / extentSizeBytes;
    }

    private static long RoundUp(long value, long unit) => (value + unit - 1) / unit * unit;
}
