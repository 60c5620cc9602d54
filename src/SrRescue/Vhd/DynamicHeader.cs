using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using System.Text;
using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The 1024-byte dynamic disk header (`cxsparse`, vhd.md 2.1) at footer.data_offset: where the BAT
/// is, how many entries it has, the block size, and for differencing disks the parent's UUID,
/// name and locators.
/// </summary>
public sealed record DynamicHeader
{
    public const int Size = 1024;
    public const int LocatorCount = 8;

    public static ReadOnlySpan<byte> Cookie => "cxsparse"u8;

    public static class Off
    {
        public const int Cookie = 0;
        public const int DataOffset = 8;
        public const int TableOffset = 16;
        public const int HeaderVersion = 24;
        public const int MaxTableEntries = 28;
        public const int BlockSize = 32;
        public const int Checksum = 36;
        public const int ParentUuid = 40;
        public const int ParentTimestamp = 56;
        public const int Reserved1 = 60;
        public const int ParentName = 64;
        public const int Locators = 576;
        public const int Reserved2 = 768;
    }

    public required ulong DataOffset { get; init; }

    public required ulong TableOffset { get; init; }

    public required uint HeaderVersion { get; init; }

    public required uint MaxTableEntries { get; init; }

    public required uint BlockSizeBytes { get; init; }

    public required uint StoredChecksum { get; init; }

    public required uint ComputedChecksum { get; init; }

    /// <summary>The parent's footer UUID; empty for dynamic disks and for a raw parent.</summary>
    public required Guid ParentUuid { get; init; }

    public required uint ParentTimestamp { get; init; }

    /// <summary>UTF-16BE parent name (blktap stores the basename).</summary>
    public required string ParentName { get; init; }

    public required IReadOnlyList<ParentLocator> Locators { get; init; }

    public required byte[] Raw { get; init; }

    public bool ChecksumMatches => StoredChecksum == ComputedChecksum;

    public static bool TryRead(ReadOnlySpan<byte> bytes, long at, FindingLog log, string? source, [NotNullWhen(true)] out DynamicHeader? value)
    {
        value = Parse(bytes, at, log, source);
        return value is not null;
    }

    private static DynamicHeader? Parse(ReadOnlySpan<byte> bytes, long at, FindingLog log, string? source)
    {
        ArgumentNullException.ThrowIfNull(log);
        const string what = "VHD dynamic header";
        if (bytes.Length < Size)
        {
            log.Add(Severity.Error, "vhd.header.truncated", what, at, $"only {bytes.Length} of {Size} header bytes are in the file", source: source);
            return null;
        }

        var raw = bytes[..Size].ToArray();
        if (!raw.AsSpan(0, 8).SequenceEqual(Cookie))
        {
            log.Add(Severity.Error, "vhd.header.cookie", what, at, "no 'cxsparse' cookie", source: source);
            return null;
        }

        var locators = new ParentLocator[LocatorCount];
        for (var i = 0; i < LocatorCount; i++)
        {
            locators[i] = ParentLocator.Read(raw.AsSpan(Off.Locators + (i * ParentLocator.Size), ParentLocator.Size));
        }

        var h = new DynamicHeader
        {
            DataOffset = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(Off.DataOffset)),
            TableOffset = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(Off.TableOffset)),
            HeaderVersion = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.HeaderVersion)),
            MaxTableEntries = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.MaxTableEntries)),
            BlockSizeBytes = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.BlockSize)),
            StoredChecksum = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.Checksum)),
            ComputedChecksum = VhdChecksum.Compute(raw, Off.Checksum),
            ParentUuid = new Guid(raw.AsSpan(Off.ParentUuid, 16), bigEndian: true),
            ParentTimestamp = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.ParentTimestamp)),
            ParentName = Encoding.BigEndianUnicode.GetString(raw, Off.ParentName, 512).TrimEnd('\0'),
            Locators = locators,
            Raw = raw,
        };

        if (!h.ChecksumMatches)
        {
            log.Add(Severity.Error, "vhd.header.checksum", what, at + Off.Checksum, "header checksum mismatch", $"0x{h.StoredChecksum:x8}", $"0x{h.ComputedChecksum:x8}", source);
        }

        return h;
    }

    /// <summary>The header bytes with the checksum recomputed (repair, writers).</summary>
    public static byte[] WithChecksum(ReadOnlySpan<byte> raw)
    {
        var b = raw[..Size].ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.Checksum), VhdChecksum.Compute(b, Off.Checksum));
        return b;
    }

    /// <summary>True for power-of-two block sizes from 512 bytes to 2 MiB (blktap's limit, vhd.md 2.1).</summary>
    public bool BlockSizeIsUsable => BlockSizeBytes is >= 512 and <= (2u << 20) && (BlockSizeBytes & (BlockSizeBytes - 1)) == 0;
}
