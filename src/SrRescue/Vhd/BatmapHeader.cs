using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// blktap's batmap header (`tdbatmap`, vhd.md 3.4), one sector after the BAT: where the bitmap of
/// fully populated blocks is, and whether the VHD is encrypted (keyhash cookie).
/// </summary>
public sealed record BatmapHeader
{
    public const int Size = 512;
    public const uint CurrentVersion = 0x00010002;

    public static ReadOnlySpan<byte> Cookie => "tdbatmap"u8;

    public static class Off
    {
        public const int Cookie = 0;
        public const int BatmapOffset = 8;
        public const int BatmapSectors = 16;
        public const int Version = 20;
        public const int Checksum = 24;
        public const int Marker = 28;
        public const int KeyhashCookie = 29;
    }

    public required ulong BatmapOffset { get; init; }

    public required uint BatmapSectors { get; init; }

    public required uint Version { get; init; }

    public required uint StoredChecksum { get; init; }

    public required byte Marker { get; init; }

    /// <summary>blktap block crypto: the data cannot be read without the key.</summary>
    public required bool IsEncrypted { get; init; }

    public required byte[] Raw { get; init; }

    public static bool TryRead(ReadOnlySpan<byte> bytes, long at, FindingLog log, string? source, [NotNullWhen(true)] out BatmapHeader? value)
    {
        value = Parse(bytes, at, log, source);
        return value is not null;
    }

    private static BatmapHeader? Parse(ReadOnlySpan<byte> bytes, long at, FindingLog log, string? source)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (bytes.Length < Size || !bytes[..8].SequenceEqual(Cookie))
        {
            return null;
        }

        var raw = bytes[..Size].ToArray();
        var h = new BatmapHeader
        {
            BatmapOffset = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(Off.BatmapOffset)),
            BatmapSectors = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.BatmapSectors)),
            Version = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.Version)),
            StoredChecksum = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.Checksum)),
            Marker = raw[Off.Marker],
            IsEncrypted = raw[Off.KeyhashCookie] == 1,
            Raw = raw,
        };
        if (h.IsEncrypted)
        {
            log.Add(Severity.Error, "vhd.batmap.encrypted", "VHD batmap header", at + Off.KeyhashCookie, "the VHD is encrypted (blktap keyhash set): its data cannot be read without the key", source: source);
        }
        else if (raw[Off.KeyhashCookie] != 0)
        {
            // vhd.md 3.4: the cookie is 1 (a key) or 0 (none). Anything else is damage, and whether
            // the data is ciphertext is then unknown.
            log.Add(Severity.Warning, "vhd.batmap.keyhash-cookie", "VHD batmap header", at + Off.KeyhashCookie,
                "the keyhash cookie is neither 0 (no key) nor 1 (encrypted): the header is damaged; the data is read as plain, which is wrong if the VHD was encrypted",
                $"0x{raw[Off.KeyhashCookie]:x2}", "0x00 or 0x01", source);
        }

        return h;
    }

    /// <summary>
    /// The batmap checksum (vhd.md 3.4): one's complement of the sum of the map bytes over
    /// max(1, ceil((current_size >> 24) / 512)) sectors; version 1.1 summed signed bytes.
    /// </summary>
    public static uint ComputeChecksum(ReadOnlySpan<byte> map, ulong currentSizeBytes, uint version)
    {
        var bytes = (int)Math.Min(map.Length, ChecksummedBytes(currentSizeBytes));
        uint sum = 0;
        foreach (var b in map[..bytes])
        {
            sum += version == 0x00010001 ? (uint)(sbyte)b : b;
        }

        return ~sum;
    }

    public static long ChecksummedBytes(ulong currentSizeBytes)
    {
        var mapBytes = (long)(currentSizeBytes >> 24);
        return 512L * Math.Max(1, (mapBytes + 511) / 512);
    }

    /// <summary>The header bytes with a new checksum.</summary>
    public static byte[] WithChecksum(ReadOnlySpan<byte> raw, uint checksum)
    {
        var b = raw[..Size].ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.Checksum), checksum);
        return b;
    }
}
