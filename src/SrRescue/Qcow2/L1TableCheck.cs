using System.Globalization;
using SrRescue.Diagnostics;

namespace SrRescue.Qcow2;

/// <summary>
/// The checks of the L1 tables, the active one and every snapshot's, and the references they make
/// (qemu's check_refcounts_l1, and the L1 part of check_oflag_copied for the active table). The L2
/// tables they point at are gathered first and each walked once with the count of the L1 entries
/// naming it: snapshots share most of their L2 tables, and an image with a hundred snapshots would
/// otherwise read its tables a hundred times. An L2 table at or past the end of the file reads as
/// zeros and is not read at all.
/// </summary>
internal static class L1TableCheck
{
    /// <summary>qcow2.txt: bits 9-55 of an L1 entry.</summary>
    public const ulong OffsetMask = 0x00FF_FFFF_FFFF_FE00;

    /// <summary>qemu's L1E_RESERVED_MASK: bits 0-8 and 56-62.</summary>
    public const ulong ReservedMask = 0x7F00_0000_0000_01FF;

    /// <summary>Distinct L2 tables gathered from snapshots at most (a healthy image has one per 512 MiB of disk with 64 KiB clusters).</summary>
    public const int MaxSnapshotL2Tables = 8 << 20;

    public static void WalkActive(CheckContext c, L2TableCheck l2Check)
    {
        var h = c.Header;
        var l1 = c.Image.L1;
        var declared = Math.Min(h.L1Entries, Qcow2Image.MaxL1Entries);
        c.Reference(h.L1TableOffset, declared * 8, ClusterUse.ActiveL1, "QCOW2 header", Qcow2Header.Off.L1TableOffset, "the active L1 table");
        var tables = new Dictionary<long, (long Walks, long CopiedChecks)>();
        for (var i = 0; i < l1.Count; i++)
        {
            var entry = l1[i];
            if (entry == 0)
            {
                continue;
            }

            var at = (long)h.L1TableOffset + (i * 8L);
            var l2 = Entry(c, entry, at, i, "the active L1 table", 1);
            long copiedChecks = 0;
            if (l2 != 0 && c.Stored is { } stored && stored.TryGet((long)(l2 >> c.ClusterBits), out var refcount))
            {
                copiedChecks = 1;
                var copied = (entry & L2Entry.CopiedFlag) != 0;
                if ((refcount == 1) != copied)
                {
                    c.Corruption(Qcow2Codes.CopiedL2, "QCOW2 L1 entry", at,
                        $"L1 entry {i} has the copied flag {(copied ? "set" : "clear")} but its L2 table's refcount is {refcount} (qemu: ERROR OFLAG_COPIED L2 cluster: l1_index={i} l1_entry={entry:x} refcount={refcount}){c.DirtyNote}",
                        copied ? "set" : "clear", refcount == 1 ? "set" : "clear", severity: c.StaleSeverity(Severity.Error));
                }
            }

            if (l2 < (ulong)c.FileLength)
            {
                var n = tables.GetValueOrDefault((long)l2);
                tables[(long)l2] = (n.Walks + 1, n.CopiedChecks + copiedChecks);
            }
        }

        foreach (var (offset, n) in tables.OrderBy(t => t.Key))
        {
            l2Check.Walk(offset, n.Walks, active: true, n.CopiedChecks);
        }
    }

    public static void WalkSnapshots(CheckContext c, SnapshotTable table, L2TableCheck l2Check)
    {
        var snapshots = table.Snapshots;
        if (snapshots.Count == 0)
        {
            return;
        }

        if (c.HasDataFile)
        {
            c.Corruption(Qcow2Codes.ExternalDataConflict, "QCOW2 header", Qcow2Header.Off.SnapshotCount,
                $"{snapshots.Count} snapshots in an image whose data lives in an external data file (qemu: ERROR {snapshots.Count} snapshots in image with data file)");
        }

        // Snapshots naming the same L1 table are walked once, counted as often.
        var l1Tables = new Dictionary<(ulong Offset, uint Entries), (long Count, Qcow2Snapshot First)>();
        foreach (var s in snapshots)
        {
            if ((s.L1TableOffset & (ulong)(c.ClusterSize - 1)) != 0)
            {
                c.Corruption(Qcow2Codes.SnapshotL1, "QCOW2 snapshot", s.Offset + Qcow2Snapshot.Off.L1TableOffset,
                    $"the L1 table of {s.Label} is at byte {s.L1TableOffset}, not a cluster boundary (qemu: L1 table is not cluster aligned; snapshot table entry corrupted); it is not walked",
                    s.L1TableOffset.ToString(CultureInfo.InvariantCulture), $"a multiple of {c.ClusterSize}");
                continue;
            }

            if (s.L1Entries > Qcow2Image.MaxL1Entries)
            {
                c.Corruption(Qcow2Codes.SnapshotL1, "QCOW2 snapshot", s.Offset + Qcow2Snapshot.Off.L1Size,
                    $"the L1 table of {s.Label} has {s.L1Entries} entries, more than qemu's {Qcow2Image.MaxL1Entries} (qemu: L1 table is too large; snapshot table entry corrupted); it is not walked",
                    s.L1Entries.ToString(CultureInfo.InvariantCulture), $"at most {Qcow2Image.MaxL1Entries}");
                continue;
            }

            var key = (s.L1TableOffset, s.L1Entries);
            var n = l1Tables.GetValueOrDefault(key, (0, s));
            l1Tables[key] = (n.Count + 1, n.First);
        }

        var tables = new Dictionary<long, long>();
        foreach (var ((offset, entries), (count, first)) in l1Tables.OrderBy(t => t.Key.Offset))
        {
            if (entries == 0)
            {
                continue;
            }

            var name = $"the L1 table of {first.Label}";
            c.Reference(offset, entries * 8L, ClusterUse.SnapshotL1, "QCOW2 snapshot", first.Offset + Qcow2Snapshot.Off.L1TableOffset, name, count);
            foreach (var (index, entry) in TableWords.NonZero(c, offset, entries))
            {
                var l2 = Entry(c, entry, (long)offset + (index * 8), index, name, count);
                if (l2 >= (ulong)c.FileLength)
                {
                    continue;
                }

                if (tables.Count >= MaxSnapshotL2Tables && !tables.ContainsKey((long)l2))
                {
                    c.Incomplete = true;
                    continue;
                }

                tables[(long)l2] = tables.GetValueOrDefault((long)l2) + count;
            }
        }

        if (c.Incomplete && tables.Count >= MaxSnapshotL2Tables)
        {
            c.Findings.Add(Severity.Warning, Qcow2Codes.CheckNote, "QCOW2 snapshot", -1,
                $"the snapshots name more than {MaxSnapshotL2Tables} different L2 tables; the rest are not walked and the counts may be low");
        }

        foreach (var (offset, count) in tables.OrderBy(t => t.Key))
        {
            l2Check.Walk(offset, count, active: false, 0);
        }
    }

    /// <summary>Checks one non-zero L1 entry and counts the reference to its L2 table; returns the table's offset.</summary>
    private static ulong Entry(CheckContext c, ulong entry, long at, long index, string table, long count)
    {
        const string what = "QCOW2 L1 entry";
        if ((entry & ReservedMask) != 0)
        {
            c.Corruption(Qcow2Codes.L1Reserved, what, at, $"entry {index} of {table} has reserved bits set (qemu: found L1 entry with reserved bits set: {entry:x})",
                $"0x{entry:x16}", $"bits 0x{ReservedMask:x16} clear", count);
        }

        var l2 = entry & OffsetMask;
        if (!c.TryReference(l2, c.ClusterSize, ClusterUse.L2Table, count))
        {
            c.ReportBeyondEnd(l2, c.ClusterSize, what, at, $"the L2 table of entry {index} of {table}", count);
        }

        if ((l2 & (ulong)(c.ClusterSize - 1)) != 0)
        {
            c.Corruption(Qcow2Codes.L1Unaligned, what, at,
                $"entry {index} of {table} points at byte {l2}, which is not a cluster boundary (qemu: Table is not cluster aligned; L1 entry corrupted)",
                l2.ToString(CultureInfo.InvariantCulture), $"a multiple of {c.ClusterSize}", count);
        }

        return l2;
    }
}
