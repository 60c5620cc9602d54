using System.Buffers.Binary;
using SrRescue.Diagnostics;

namespace SrRescue.Qcow2;

/// <summary>
/// One entry of the snapshot table (qcow2.txt, "Snapshots"): a 40-byte header, then extra data,
/// the unique ID and the name (neither NUL-terminated), padded so the next entry starts on a
/// multiple of 8. The extra data holds the large VM state size and the disk size (version 3
/// requires both, 16 bytes) and the instruction count; qemu refuses more than 1024 bytes of it.
/// </summary>
/// <param name="Offset">Absolute byte offset of the entry.</param>
internal readonly record struct Qcow2Snapshot(
    long Offset,
    ulong L1TableOffset,
    uint L1Entries,
    ushort IdBytes,
    ushort NameBytes,
    uint ExtraDataBytes,
    string Id,
    string Name)
{
    public const int Size = 40;

    /// <summary>qemu's QCOW_MAX_SNAPSHOT_EXTRA_DATA.</summary>
    public const uint MaxExtraDataBytes = 1024;

    /// <summary>The extra data a version 3 entry must have: vm_state_size_large and disk_size.</summary>
    public const uint RequiredExtraDataBytes = 16;

    /// <summary>qemu's QCOW_MAX_SNAPSHOTS.</summary>
    public const int MaxCount = 65536;

    /// <summary>qemu's QCOW_MAX_SNAPSHOTS_SIZE: the table's entries may add up to this many bytes.</summary>
    public const long MaxTableBytes = 64L << 20;

    public static class Off
    {
        public const int L1TableOffset = 0;
        public const int L1Size = 8;
        public const int IdSize = 12;
        public const int NameSize = 14;
        public const int DateSeconds = 16;
        public const int DateNanoseconds = 20;
        public const int VmClockNanoseconds = 24;
        public const int VmStateSize = 32;
        public const int ExtraDataSize = 36;
    }

    /// <summary>The entry's bytes from its offset to the end of its name (without padding).</summary>
    public long EntryBytes => Size + ExtraDataBytes + IdBytes + NameBytes;

    /// <summary>How the entry is named in messages: its ID and name, cut short.</summary>
    public string Label => $"snapshot {Short(Id)} ('{Short(Name)}')";

    /// <summary>Reads the fixed header; the ID and name are left empty for the caller to fill.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, long at, FindingLog log, out Qcow2Snapshot value)
    {
        ArgumentNullException.ThrowIfNull(log);
        value = default;
        if (bytes.Length < Size)
        {
            log.Add(Severity.Error, Qcow2Codes.SnapshotTable, "QCOW2 snapshot", at, $"only {bytes.Length} of {Size} snapshot header bytes were given");
            return false;
        }

        value = new Qcow2Snapshot(
            at,
            BinaryPrimitives.ReadUInt64BigEndian(bytes[Off.L1TableOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[Off.L1Size..]),
            BinaryPrimitives.ReadUInt16BigEndian(bytes[Off.IdSize..]),
            BinaryPrimitives.ReadUInt16BigEndian(bytes[Off.NameSize..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[Off.ExtraDataSize..]),
            "",
            "");
        return true;
    }

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
