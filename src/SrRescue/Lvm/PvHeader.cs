using System.Buffers.Binary;
using SrRescue.Diagnostics;

namespace SrRescue.Lvm;

/// <summary>
/// The <c>pv_header</c> and <c>pv_header_extension</c> that follow the label header in the label
/// sector (lvm2.md 1.4, 1.5): the PV UUID, the device size in bytes, the data area (pe_start) and
/// up to two metadata areas. All locations are byte offsets relative to the PV start.
/// </summary>
public sealed record PvHeader(
    string PvUuid,
    long DeviceSizeBytes,
    IReadOnlyList<DiskLocation> DataAreas,
    IReadOnlyList<DiskLocation> MetadataAreas,
    uint ExtensionVersion,
    uint ExtensionFlags,
    IReadOnlyList<DiskLocation> BootloaderAreas)
{
    /// <summary>PV_EXT_USED: the PV belongs to a VG.</summary>
    public bool InUse => (ExtensionFlags & 1) != 0;

    public static class Off
    {
        /// <summary>Offsets inside the label sector (the pv_header starts at label byte 32).</summary>
        public const int PvUuid = 32;
        public const int DeviceSize = 64;
        public const int FirstArea = 72;
    }

    public const int UuidLength = 32;

    /// <summary>Formats the 32-character on-disk UUID the way metadata text writes it (6-4-4-4-4-4-6).</summary>
    public static string DashUuid(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length != UuidLength)
        {
            return raw;
        }

        return string.Join('-', raw[..6], raw[6..10], raw[10..14], raw[14..18], raw[18..22], raw[22..26], raw[26..]);
    }

    /// <summary>
    /// Parses the pv_header of a label sector whose first byte is at absolute <paramref name="sectorOffset"/>.
    /// Lists that run past the sector end are cut with a finding (HEAD's label_check_pv_layout).
    /// </summary>
    public static PvHeader Read(ReadOnlySpan<byte> sector, long sectorOffset, FindingLog log, string? source)
    {
        ArgumentNullException.ThrowIfNull(log);
        var rawUuid = System.Text.Encoding.ASCII.GetString(sector.Slice(Off.PvUuid, UuidLength));
        if (!IsUuidText(sector.Slice(Off.PvUuid, UuidLength)))
        {
            log.Add(Severity.Warning, "lvm.pvheader.uuid", "pv_header", sectorOffset + Off.PvUuid, "PV UUID holds characters LVM never writes", source: source);
        }

        var deviceSize = BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.DeviceSize..]);
        var pos = Off.FirstArea;
        var data = ReadList(sector, ref pos, Limits.MaxDataAreasPerPv, "data area", sectorOffset, log, source);
        var mdas = ReadList(sector, ref pos, Limits.MaxMetadataAreasPerPv, "metadata area", sectorOffset, log, source);

        uint version = 0, flags = 0;
        IReadOnlyList<DiskLocation> boot = [];
        if (pos + 8 <= LabelHeader.SectorSize)
        {
            version = BinaryPrimitives.ReadUInt32LittleEndian(sector[pos..]);
            flags = BinaryPrimitives.ReadUInt32LittleEndian(sector[(pos + 4)..]);
            if (version != 0)
            {
                pos += 8;
                boot = ReadList(sector, ref pos, Limits.MaxDataAreasPerPv, "bootloader area", sectorOffset, log, source);
            }
        }

        if (data.Count == 0)
        {
            log.Add(Severity.Warning, "lvm.pvheader.no-data-area", "pv_header", sectorOffset + Off.FirstArea, "pv_header lists no data area", source: source);
        }

        if (deviceSize > long.MaxValue)
        {
            log.Add(Severity.Warning, "lvm.pvheader.device-size", "pv_header", sectorOffset + Off.DeviceSize, "device size out of range", deviceSize.ToString(), source: source);
            deviceSize = 0;
        }

        return new PvHeader(DashUuid(rawUuid), (long)deviceSize, data, mdas, version, flags, boot);
    }

    private static List<DiskLocation> ReadList(ReadOnlySpan<byte> sector, ref int pos, int max, string what, long sectorOffset, FindingLog log, string? source)
    {
        var list = new List<DiskLocation>();
        while (true)
        {
            if (pos + DiskLocation.Size > LabelHeader.SectorSize)
            {
                log.Add(Severity.Warning, "lvm.pvheader.overrun", "pv_header", sectorOffset + pos, $"{what} list runs past the end of the label sector", source: source);
                pos = LabelHeader.SectorSize;
                return list;
            }

            var offset = BinaryPrimitives.ReadUInt64LittleEndian(sector[pos..]);
            var size = BinaryPrimitives.ReadUInt64LittleEndian(sector[(pos + 8)..]);
            pos += DiskLocation.Size;
            if (offset == 0)
            {
                // The reader stops at the first entry whose offset is 0 (lvm2.md 1.4).
                return list;
            }

            if (list.Count == max)
            {
                log.Add(Severity.Warning, "lvm.pvheader.too-many", "pv_header", sectorOffset + pos - DiskLocation.Size, $"more than {max} {what} entries; the rest are ignored", source: source);
                continue;
            }

            if (offset > long.MaxValue || size > long.MaxValue)
            {
                log.Add(Severity.Warning, "lvm.pvheader.range", "pv_header", sectorOffset + pos - DiskLocation.Size, $"{what} location out of range", $"{offset}+{size}", source: source);
                continue;
            }

            list.Add(new DiskLocation((long)offset, (long)size));
        }
    }

    private static bool IsUuidText(ReadOnlySpan<byte> text)
    {
        foreach (var c in text)
        {
            var ok = c is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (byte)'!' or (byte)'#';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
