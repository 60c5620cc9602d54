using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// The 32-byte <c>label_header</c> at the start of the LVM label sector (lvm2.md 1.2). LVM looks
/// for it in sectors 0-3 and accepts a sector only if the id is LABELONE, the stored sector number
/// is the sector it was found in, and the CRC over bytes 20..511 matches.
/// </summary>
public readonly record struct LabelHeader(long SectorNumber, uint StoredCrc, uint ComputedCrc, uint PvHeaderOffset, string Type)
{
    public const int Size = 32;
    public const int SectorSize = 512;
    public const int ScanSectors = 4;

    public static ReadOnlySpan<byte> Magic => "LABELONE"u8;

    public static ReadOnlySpan<byte> Lvm2Type => "LVM2 001"u8;

    public bool CrcMatches => StoredCrc == ComputedCrc;

    public static class Off
    {
        public const int Id = 0;
        public const int SectorXl = 8;
        public const int CrcXl = 16;
        public const int OffsetXl = 20;
        public const int Type = 24;
    }

    /// <summary>True when the sector starts with LABELONE (the cheap test a scan uses first).</summary>
    public static bool HasMagic(ReadOnlySpan<byte> sector) =>
        sector.Length >= Size && sector[..8].SequenceEqual(Magic);

    /// <summary>
    /// Parses a label sector found at byte <paramref name="at"/> of the source, in sector 0-3 of a
    /// PV whose first byte is at <paramref name="pvOffset"/>. Every check that fails is a
    /// finding; the header is returned whenever the magic is there, so callers can decide.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> sector, long at, FindingLog log, long pvOffset, string? source, out LabelHeader header)
    {
        ArgumentNullException.ThrowIfNull(log);
        header = default;
        var sectorIndex = (at - pvOffset) / SectorSize;
        if (sector.Length < SectorSize)
        {
            log.Add(Severity.Error, "lvm.label.truncated", "LVM label", at, $"label sector holds only {sector.Length} of {SectorSize} bytes", source: source);
            return false;
        }

        if (!HasMagic(sector))
        {
            if (sector.Slice(Off.Type, 8).SequenceEqual(Lvm2Type))
            {
                // lvm2.md 1.1: LVM would accept this "type-only" sector; we only report it.
                log.Add(Severity.Warning, "lvm.label.type-only", "LVM label", at, "sector has the LVM2 001 type but no LABELONE id; not used as a label", source: source);
            }

            return false;
        }

        var sectorXl = BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.SectorXl..]);
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.CrcXl..]);
        var computed = Crc32.ComputeLvm(sector[Off.OffsetXl..SectorSize]);
        var pvHeaderOffset = BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.OffsetXl..]);
        var type = System.Text.Encoding.ASCII.GetString(sector.Slice(Off.Type, 8));
        header = new LabelHeader((long)Math.Min(sectorXl, long.MaxValue), stored, computed, pvHeaderOffset, type);

        if (sectorXl != (ulong)sectorIndex)
        {
            log.Add(Severity.Warning, "lvm.label.sector", "LVM label", at + Off.SectorXl, $"label claims sector {sectorXl} but sits in sector {sectorIndex}", sectorXl.ToString(), sectorIndex.ToString(), source);
        }

        if (stored != computed)
        {
            log.Add(Severity.Warning, "lvm.label.crc", "LVM label", at + Off.CrcXl, "label checksum mismatch", $"0x{stored:x8}", $"0x{computed:x8}", source);
        }

        if (pvHeaderOffset != Size)
        {
            log.Add(Severity.Warning, "lvm.label.offset", "LVM label", at + Off.OffsetXl, "pv_header offset is not 32", pvHeaderOffset.ToString(), "32", source);
        }

        if (!sector.Slice(Off.Type, 8).SequenceEqual(Lvm2Type))
        {
            log.Add(Severity.Warning, "lvm.label.type", "LVM label", at + Off.Type, "label type is not LVM2 001", type, "LVM2 001", source);
        }

        return true;
    }
}
