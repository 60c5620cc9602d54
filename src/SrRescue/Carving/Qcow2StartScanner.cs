using System.Buffers.Binary;
using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;

namespace SrRescue.Carving;

/// <summary>
/// Finds every extent that starts a QCOW2 image: the magic at the extent's first byte (an LV
/// starts at an extent, and the image at LV offset 0), version 2 or 3, a cluster size qemu can
/// have, and tables that lie on cluster boundaries inside the PV. Looks at the first bytes of each
/// extent (<see cref="ExtentHeads"/>), then reads the header cluster of the ones that match.
/// </summary>
internal static class Qcow2StartScanner
{
    /// <summary>More refcount table clusters than this is not a header (qemu's own limit is 8 MiB of table).</summary>
    public const long MaxRefcountTableBytes = 8L << 20;

    /// <summary>qemu's QCOW_MAX_SNAPSHOTS.</summary>
    public const uint MaxSnapshots = 65536;

    /// <summary>
    /// The QCOW2 image extent <paramref name="pe"/> starts, from its first bytes as read: none
    /// without the magic; with it, the header read and checked, a finding when it is not one.
    /// </summary>
    public static Qcow2Start? FromHead(IByteSource pv, ExtentGrid grid, long pe, ReadOnlySpan<byte> head, FindingLog log)
    {
        if (head.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(head) != Qcow2Header.Magic)
        {
            return null;
        }

        if (TryRead(pv, grid, pe, out var why) is { } start)
        {
            return start;
        }

        ExtentSpace.Log(log, pv, Severity.Warning, "carve.qcow2.start-damaged", "QCOW2 start", grid.OffsetOf(pe),
            $"{ExtentSpace.Extent(pv, pe)} starts with the QCOW2 magic but {why}; not carved");
        return null;
    }

    /// <summary>The QCOW2 image extent <paramref name="pe"/> starts, or null with the reason.</summary>
    public static Qcow2Start? TryRead(IByteSource pv, ExtentGrid grid, long pe, out string why)
    {
        var at = grid.OffsetOf(pe);
        var e = grid.ExtentSizeBytes;
        var quiet = new FindingLog();
        var first = new byte[Qcow2Header.Version3MinSize + 8];
        var n = pv.ReadFullyAt(at, first);
        if (!Qcow2Header.TryRead(first.AsSpan(0, n), at, quiet, pv.Name, out var h))
        {
            why = "its header is cut short";
            return null;
        }

        // Every host offset lies inside the LV, and no LV is larger than the PV's extents.
        var bound = grid.ExtentCount * e;
        var c = h.ClusterSizeBytes;
        why = h switch
        {
            { Version: not (2 or 3) } => $"its version is {h.Version}",
            { ClusterSizeBytes: 0 } => $"its cluster_bits is {h.ClusterBits}",
            { Version: 3, HeaderLengthBytes: < Qcow2Header.Version3MinSize } => $"its header_length is {h.HeaderLengthBytes}",
            _ when h.Version == 3 && (h.HeaderLengthBytes % 8 != 0 || h.HeaderLengthBytes > c) => $"its header_length is {h.HeaderLengthBytes}",
            { VirtualSizeBytes: 0 } => "its virtual size is 0",
            _ when h.VirtualSizeBytes > Qcow2HeaderRules.MaxVirtualSizeBytes => $"its virtual size {h.VirtualSizeBytes} is beyond what QCOW2 maps",
            { CryptMethod: > 2 } => $"its crypt_method is {h.CryptMethod}",
            { RefcountOrder: > 6 } => $"its refcount_order is {h.RefcountOrder}",
            _ when h.L1Entries < h.L1EntriesNeeded || h.L1Entries > Qcow2Image.MaxL1Entries => $"its L1 table has {h.L1Entries} entries for {h.L1EntriesNeeded} needed",
            _ when !Inside(h.L1TableOffset, (ulong)h.L1Entries * 8, c, bound) => $"its L1 table offset {h.L1TableOffset} is not a cluster inside the PV",
            _ when h.RefcountTableClusters == 0 || (ulong)h.RefcountTableClusters * (ulong)c > MaxRefcountTableBytes
                => $"its refcount table has {h.RefcountTableClusters} clusters",
            _ when !Inside(h.RefcountTableOffset, (ulong)h.RefcountTableClusters * (ulong)c, c, bound) => $"its refcount table offset {h.RefcountTableOffset} is not a cluster inside the PV",
            _ when h.SnapshotCount > MaxSnapshots || (h.SnapshotCount > 0 && !Inside(h.SnapshotsOffset, 1, 8, bound)) => $"its snapshot table ({h.SnapshotCount} at {h.SnapshotsOffset}) is implausible",
            _ => "",
        };
        if (why.Length > 0)
        {
            return null;
        }

        // Extensions and the backing file name lie in the first cluster (or the extent, if smaller).
        var cluster = pv.ReadBytes(at, (int)Math.Min(c, e));
        var extensions = Qcow2Extension.ReadAll(cluster, Math.Min(h.HeaderLengthBytes, (uint)cluster.Length), quiet, pv.Name);
        string? backing = null;
        if (h.BackingFileOffset != 0)
        {
            if (h.BackingFileSizeBytes > Qcow2Image.MaxBackingNameBytes || h.BackingFileOffset + h.BackingFileSizeBytes > (ulong)cluster.Length)
            {
                why = $"its backing file name ({h.BackingFileSizeBytes} bytes at {h.BackingFileOffset}) is not in the first cluster";
                return null;
            }

            backing = Encoding.UTF8.GetString(cluster.AsSpan((int)h.BackingFileOffset, (int)h.BackingFileSizeBytes));
        }

        return new Qcow2Start(pe, at, h, extensions, backing);
    }

    /// <summary>A table of <paramref name="bytes"/> at <paramref name="offset"/>: not 0, on a cluster boundary, ending inside the bound.</summary>
    private static bool Inside(ulong offset, ulong bytes, long alignment, long bound) =>
        offset != 0 && offset % (ulong)alignment == 0 && offset < (ulong)bound && bytes <= (ulong)bound - offset;
}
