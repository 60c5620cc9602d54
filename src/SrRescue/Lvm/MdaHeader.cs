using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// The 512-byte header at the start of a metadata area (lvm2.md 2.2): checksum, magic, version,
/// its own location and size, and two raw locations: slot 0 the committed copy, slot 1 a
/// pre-committed (newer, uncommitted) copy.
/// </summary>
public sealed record MdaHeader(
    long StartBytes,
    long SizeBytes,
    uint Version,
    uint StoredChecksum,
    uint ComputedChecksum,
    RawLocation Committed,
    RawLocation Precommitted)
{
    public const int Size = 512;

    public static ReadOnlySpan<byte> Magic => " LVM2 x[5A%r0N*>"u8;

    public bool ChecksumMatches => StoredChecksum == ComputedChecksum;

    public static class Off
    {
        public const int Checksum = 0;
        public const int Magic = 4;
        public const int Version = 20;
        public const int Start = 24;
        public const int SizeField = 32;
        public const int Slot0 = 40;
        public const int Slot1 = 64;
    }

    public static bool HasMagic(ReadOnlySpan<byte> sector) =>
        sector.Length >= Size && sector.Slice(Off.Magic, 16).SequenceEqual(Magic);

    /// <summary>
    /// Parses the header sector found at <paramref name="at"/> (absolute offset in the PV's
    /// source). <paramref name="expectedStart"/> is the mda location the pv_header gave, relative to
    /// the PV. Returns null (with a finding) when the sector carries no header magic.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> sector, long at, FindingLog log, long expectedStart, long expectedSize, string? source, [NotNullWhen(true)] out MdaHeader? value)
    {
        value = Parse(sector, at, expectedStart, expectedSize, log, source);
        return value is not null;
    }

    private static MdaHeader? Parse(ReadOnlySpan<byte> sector, long at, long expectedStart, long expectedSize, FindingLog log, string? source)
    {
        ArgumentNullException.ThrowIfNull(log);
        const string what = "mda header";
        if (sector.Length < Size)
        {
            log.Add(Severity.Error, "lvm.mda.truncated", what, at, "metadata area header is cut off by the end of the device", source: source);
            return null;
        }

        if (!HasMagic(sector))
        {
            log.Add(Severity.Error, "lvm.mda.magic", what, at + Off.Magic, "metadata area header has no LVM2 magic (zeroed or overwritten)", source: source);
            return null;
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(sector);
        var computed = Crc32.ComputeLvm(sector[Off.Magic..Size]);
        if (stored != computed)
        {
            log.Add(Severity.Warning, "lvm.mda.crc", what, at, "metadata area header checksum mismatch; its slots may be wrong, the ring is scanned regardless", $"0x{stored:x8}", $"0x{computed:x8}", source);
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.Version..]);
        if (version != 1)
        {
            log.Add(Severity.Warning, "lvm.mda.version", what, at + Off.Version, "metadata area header version is not 1", version.ToString(), "1", source);
        }

        var start = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.Start..]));
        var size = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.SizeField..]));
        if (start != expectedStart)
        {
            log.Add(Severity.Warning, "lvm.mda.start", what, at + Off.Start, "metadata area header records another start than the pv_header", start.ToString(), expectedStart.ToString(), source);
        }

        if (expectedSize > 0 && size != expectedSize)
        {
            log.Add(Severity.Warning, "lvm.mda.size", what, at + Off.SizeField, "metadata area header records another size than the pv_header", size.ToString(), expectedSize.ToString(), source);
        }

        var slot0 = ReadSlot(sector[Off.Slot0..]);
        var slot1 = ReadSlot(sector[Off.Slot1..]);
        var areaSize = expectedSize > 0 ? expectedSize : size;
        CheckSlot(slot0, 0, areaSize, at + Off.Slot0, log, source);
        CheckSlot(slot1, 1, areaSize, at + Off.Slot1, log, source);
        return new MdaHeader(start, size, version, stored, computed, slot0, slot1);
    }

    private static RawLocation ReadSlot(ReadOnlySpan<byte> b) => new(
        ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(b)),
        ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(b[8..])),
        BinaryPrimitives.ReadUInt32LittleEndian(b[16..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[20..]));

    private static void CheckSlot(RawLocation slot, int index, long areaSize, long at, FindingLog log, string? source)
    {
        if (slot.IsEmpty)
        {
            return;
        }

        // Checks from HEAD's _vg_read_raw_area: the offset lies inside the area, past the header,
        // and the copy is not larger than the text buffer.
        if (slot.OffsetBytes < Size || slot.OffsetBytes >= areaSize || slot.SizeBytes > areaSize - Size || slot.SizeBytes <= 0)
        {
            log.Add(Severity.Warning, "lvm.mda.slot-range", "mda header", at, $"raw_locn slot {index} points outside the metadata area", $"offset {slot.OffsetBytes} size {slot.SizeBytes}", $"area size {areaSize}", source);
        }
    }

    private static long ClampLong(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;
}
