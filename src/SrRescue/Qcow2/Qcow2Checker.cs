using System.Buffers.Binary;
using System.Globalization;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// What `qemu-img check` checks in a QCOW2 file (qemu's qcow2_check_refcounts and the snapshot
/// table check), reporting every problem instead of a count and a line of text: the refcount of
/// every host cluster is rebuilt by walking the header, the active L1 table, its L2 tables and data
/// clusters, every snapshot's tables, the snapshot table, the refcount table and blocks, the
/// encryption header and the persistent bitmaps, then compared with the stored refcounts; the
/// copied flags are checked against the stored refcounts; every table entry is checked for
/// reserved bits, alignment and references past the end of the file. The counts equal qemu's.
/// Only this file is checked, not its backing files: QCOW2 refcounts are per file. The work is
/// bounded by the file, not the virtual disk: a sparse 2 TiB image reads only its allocated tables.
/// Never throws for damage except <see cref="CorruptDataException"/> when there is no QCOW2 header.
/// </summary>
/// <remarks>
/// Where this differs from qemu-img check: qemu stops, with "Check failed" and no counts, at an
/// image it does not open (a header field out of its bounds, a refcount table that is unaligned
/// or over 8 MiB, a bitmap table it cannot load), at a snapshot table it cannot read, at a bitmap
/// directory it cannot load and at a snapshot L1 table it cannot read; this check reports each as
/// a finding (the snapshot table as a check error, the bitmaps as a corruption, as qemu counts
/// them) and checks the rest. Clusters two kinds of structure claim are findings qemu has no
/// counter for, so they are not counted. Nothing is repaired (qemu-img check -r).
/// </remarks>
public static class Qcow2Checker
{
    /// <summary>Findings of one code listed at most; the rest are counted in one more finding.</summary>
    public const int MaxFindingsPerCode = CappedFindings.PerCode;

    /// <summary>Host clusters whose refcounts are compared at most (see <see cref="Qcow2CheckReport.IsComplete"/>).</summary>
    public const long MaxHostClusters = ComputedRefcounts.MaxHostClusters;

    public static Qcow2CheckReport Check(IByteSource source, FindingLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        log ??= new FindingLog();
        var before = log.Count;
        var image = Qcow2Image.Open(source, log);
        var findings = new CappedFindings(log, source.Name);
        var c = new CheckContext(image, findings);
        long highest;
        SnapshotTable snapshots;
        try
        {
            (snapshots, highest) = Run(c);
        }
        finally
        {
            findings.Flush();
        }

        var h = image.Header;
        // qemu sizes the disk in whole 512-byte sectors (total_sectors = size / 512).
        var virtualSize = h.VirtualSizeBytes & ~511UL;
        var totalClusters = (virtualSize >> c.ClusterBits) + ((virtualSize & (ulong)(c.ClusterSize - 1)) != 0 ? 1UL : 0);
        return new Qcow2CheckReport
        {
            Name = source.Name,
            FileSizeBytes = source.Length,
            Version = h.Version,
            ClusterSizeBytes = c.ClusterSize,
            VirtualSizeBytes = image.VirtualSizeBytes,
            RefcountBits = h.RefcountOrder <= 6 ? 1 << (int)h.RefcountOrder : 0,
            SnapshotCount = snapshots.Snapshots.Count,
            IsDirty = c.Dirty,
            CheckErrors = c.CheckErrors,
            Corruptions = c.Corruptions,
            Leaks = c.Leaks,
            AllocatedClusters = c.AllocatedClusters,
            TotalClusters = (long)Math.Min(totalClusters, long.MaxValue),
            CompressedClusters = c.CompressedClusters,
            FragmentedClusters = c.FragmentedClusters,
            ImageEndOffset = (highest + 1) << c.ClusterBits,
            IsComplete = !c.Incomplete && !c.Computed.IsPartial && c.Stored is not null,
            Findings = log.Snapshot().Skip(before).ToList(),
        };
    }

    /// <summary>qemu's order: the snapshot table, then the references, then the refcount blocks, then the comparison.</summary>
    private static (SnapshotTable Snapshots, long Highest) Run(CheckContext c)
    {
        if (c.Computed.IsPartial)
        {
            c.Findings.Add(Severity.Warning, Qcow2Codes.TooLarge, "QCOW2 check", -1,
                $"the file has {c.HostClusters} clusters, more than the {MaxHostClusters} this check counts; the refcounts of the clusters past them are not compared");
        }

        var snapshots = SnapshotTable.Read(c);
        c.Stored = OpenStoredRefcounts(c);
        if (c.Dirty)
        {
            c.Findings.Add(Severity.Info, Qcow2Codes.CheckNote, "QCOW2 header", Qcow2Header.Off.IncompatibleFeatures,
                "the dirty bit is set: refcounts and copied flags are allowed to be stale, so their mismatches are warnings; qemu counts them all the same and repairs them on the next read-write open");
        }

        c.Reference(0, c.ClusterSize, ClusterUse.Header, "QCOW2 header", 0, "the header cluster");
        var l2Check = new L2TableCheck(c);
        L1TableCheck.WalkActive(c, l2Check);
        L1TableCheck.WalkSnapshots(c, snapshots, l2Check);
        c.Reference(snapshots.Offset, snapshots.SizeBytes, ClusterUse.OtherMetadata, "QCOW2 header", Qcow2Header.Off.SnapshotsOffset, "the snapshot table");
        if (c.Stored is { } stored)
        {
            c.Reference((ulong)stored.TableOffset, stored.TableEntries * 8, ClusterUse.RefcountTable, "QCOW2 header", Qcow2Header.Off.RefcountTableOffset, "the refcount table");
        }

        CountEncryptionHeader(c);
        BitmapCheck.Count(c);
        if (c.Stored is not null)
        {
            RefcountCheck.CheckBlocks(c, c.Stored);
        }

        return (snapshots, RefcountCheck.Compare(c, c.Stored));
    }

    /// <summary>The refcount table as qemu opens it; null when the refcount width is unreadable.</summary>
    private static StoredRefcounts? OpenStoredRefcounts(CheckContext c)
    {
        const string what = "QCOW2 refcount table";
        var h = c.Header;
        if (h.RefcountOrder > 6)
        {
            c.Findings.Add(Severity.Error, Qcow2Codes.RefcountTableBounds, what, Qcow2Header.Off.RefcountOrder,
                "refcount_order is over 6, so no stored refcount can be read; references are checked, refcounts and copied flags are not (qemu does not open the image)");
            return null;
        }

        var entries = (long)h.RefcountTableClusters << (c.ClusterBits - 3);
        const long maxEntries = StoredRefcounts.MaxTableBytes / 8;
        if (h.RefcountTableClusters == 0)
        {
            c.Findings.Add(Severity.Error, Qcow2Codes.RefcountTableBounds, what, Qcow2Header.Off.RefcountTableClusters,
                "refcount_table_clusters is 0: the image has no refcount table, so every stored refcount reads as 0 (qemu does not open the image)", "0", ">= 1");
        }
        else if (entries > maxEntries)
        {
            c.Findings.Add(Severity.Error, Qcow2Codes.RefcountTableBounds, what, Qcow2Header.Off.RefcountTableClusters,
                $"the refcount table is larger than qemu's {StoredRefcounts.MaxTableBytes} bytes (qemu does not open the image); only that much of it is read",
                h.RefcountTableClusters.ToString(CultureInfo.InvariantCulture), $"at most {StoredRefcounts.MaxTableBytes >> c.ClusterBits}");
            entries = maxEntries;
        }

        var offset = h.RefcountTableOffset;
        if ((offset & (ulong)(c.ClusterSize - 1)) != 0 || offset > (ulong)(long.MaxValue - StoredRefcounts.MaxTableBytes))
        {
            c.Findings.Add(Severity.Error, Qcow2Codes.RefcountTableBounds, what, Qcow2Header.Off.RefcountTableOffset,
                "the refcount table offset is not cluster aligned (qemu does not open the image); the table is read there all the same",
                offset.ToString(CultureInfo.InvariantCulture), $"a multiple of {c.ClusterSize}");
            if (offset > (ulong)(long.MaxValue - StoredRefcounts.MaxTableBytes))
            {
                entries = 0;
                offset = 0;
            }
        }

        return new StoredRefcounts(c.Source, (long)offset, entries, c.ClusterBits, (int)h.RefcountOrder);
    }

    /// <summary>The LUKS encryption header's clusters (its extension: offset, then length).</summary>
    private static void CountEncryptionHeader(CheckContext c)
    {
        var ext = c.Image.Extensions.FirstOrDefault(e => e.Type == Qcow2Extension.FullDiskEncryption);
        if (ext is null || c.Header.CryptMethod != 2 || ext.Data.Length < 16)
        {
            return;
        }

        var offset = BinaryPrimitives.ReadUInt64BigEndian(ext.Data);
        var length = BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(8));
        c.Reference(offset, (long)Math.Min(length, long.MaxValue), ClusterUse.OtherMetadata, "QCOW2 encryption header extension", ext.Offset + 8, "the encryption header");
    }
}
