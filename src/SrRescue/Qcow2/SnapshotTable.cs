using System.Globalization;
using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The snapshot table as qemu-img check reads it (qcow2_check_read_snapshot_table): more than
/// 65536 snapshots, an unaligned offset, an entry with more than 1024 bytes of extra data or a
/// table over 64 MiB make the table unreadable, a check error, and then no snapshot is counted
/// (their clusters show as leaks, as in qemu). A version 3 entry with less than 16 bytes of extra
/// data is a corruption. Bytes past the end of the file read as zeros.
/// </summary>
/// <param name="SizeBytes">The bytes the entries span, from the first to the end of the last name (qemu's snapshots_size).</param>
internal sealed record SnapshotTable(IReadOnlyList<Qcow2Snapshot> Snapshots, ulong Offset, long SizeBytes)
{
    private const string What = "QCOW2 snapshot table";

    public static SnapshotTable Read(CheckContext c)
    {
        var h = c.Header;
        var empty = new SnapshotTable([], h.SnapshotsOffset, 0);
        if (h.SnapshotCount == 0)
        {
            return empty;
        }

        if (h.SnapshotCount > Qcow2Snapshot.MaxCount)
        {
            c.CheckError(Qcow2Codes.SnapshotTable, What, Qcow2Header.Off.SnapshotCount,
                $"the header counts {h.SnapshotCount} snapshots, more than qemu's {Qcow2Snapshot.MaxCount}; the table is not read, so every snapshot's clusters show as leaks");
            return empty;
        }

        // Past this an entry's offset could overflow; qemu stops at INT64_MAX less the headers.
        var last = (ulong)(long.MaxValue - Qcow2Snapshot.MaxTableBytes - (1L << 20));
        if ((h.SnapshotsOffset & (ulong)(c.ClusterSize - 1)) != 0 || h.SnapshotsOffset > last)
        {
            c.CheckError(Qcow2Codes.SnapshotTable, What, Qcow2Header.Off.SnapshotsOffset,
                $"the snapshot table offset {h.SnapshotsOffset} is not cluster aligned or too large; the table is not read, so every snapshot's clusters show as leaks");
            return empty;
        }

        var snapshots = ReadEntries(c, (long)h.SnapshotsOffset, (int)h.SnapshotCount, out var end);
        if (snapshots is null)
        {
            return empty;
        }

        if (h.Version >= 3)
        {
            foreach (var s in snapshots.Where(s => s.ExtraDataBytes < Qcow2Snapshot.RequiredExtraDataBytes))
            {
                c.Corruption(Qcow2Codes.SnapshotIncomplete, "QCOW2 snapshot", s.Offset + Qcow2Snapshot.Off.ExtraDataSize,
                    $"{s.Label} has {s.ExtraDataBytes} bytes of extra data; a version 3 entry needs {Qcow2Snapshot.RequiredExtraDataBytes} (qemu: snapshot table entry is incomplete)",
                    s.ExtraDataBytes.ToString(CultureInfo.InvariantCulture), $">= {Qcow2Snapshot.RequiredExtraDataBytes}");
            }
        }

        return new SnapshotTable(snapshots, h.SnapshotsOffset, end - (long)h.SnapshotsOffset);
    }

    private static List<Qcow2Snapshot>? ReadEntries(CheckContext c, long start, int count, out long at)
    {
        var list = new List<Qcow2Snapshot>(Math.Min(count, 1024));
        Span<byte> head = stackalloc byte[Qcow2Snapshot.Size];
        var scratch = new FindingLog();
        long tableBytes = 0;
        at = start;
        for (var i = 0; i < count; i++)
        {
            tableBytes = (tableBytes + 7) & ~7L;
            at = (at + 7) & ~7L;
            head.Clear();
            c.Source.ReadFullyAt(at, head);
            Qcow2Snapshot.TryRead(head, at, scratch, out var s);
            if (s.ExtraDataBytes > Qcow2Snapshot.MaxExtraDataBytes)
            {
                c.CheckError(Qcow2Codes.SnapshotTable, "QCOW2 snapshot", at + Qcow2Snapshot.Off.ExtraDataSize,
                    $"snapshot entry {i} claims {s.ExtraDataBytes} bytes of extra data, more than qemu's {Qcow2Snapshot.MaxExtraDataBytes} (qemu: Too much extra metadata in snapshot table entry {i}); the table is not read, so every snapshot's clusters show as leaks");
                return null;
            }

            var id = ReadText(c.Source, at + Qcow2Snapshot.Size + s.ExtraDataBytes, s.IdBytes);
            var name = ReadText(c.Source, at + Qcow2Snapshot.Size + s.ExtraDataBytes + s.IdBytes, s.NameBytes);
            list.Add(s with { Id = id, Name = name });
            at += s.EntryBytes;
            tableBytes += s.EntryBytes;
            if (tableBytes > Qcow2Snapshot.MaxTableBytes)
            {
                c.CheckError(Qcow2Codes.SnapshotTable, What, start,
                    $"the snapshot table is larger than qemu's {Qcow2Snapshot.MaxTableBytes} bytes after {i + 1} of {count} entries (qemu: Snapshot table is too big); the table is not read, so every snapshot's clusters show as leaks");
                return null;
            }
        }

        return list;
    }

    /// <summary>The ID or name for messages: at most 256 bytes of it, zeros past the end of the file, control characters shown as '?'.</summary>
    private static string ReadText(IByteSource source, long at, int length)
    {
        var bytes = new byte[Math.Min(length, 256)];
        source.ReadFullyAt(at, bytes);
        var text = Encoding.UTF8.GetString(bytes);
        return string.Create(text.Length, text, (span, t) =>
        {
            for (var i = 0; i < t.Length; i++)
            {
                span[i] = char.IsControl(t[i]) ? '?' : t[i];
            }
        });
    }
}
