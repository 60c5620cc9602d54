using System.Buffers.Binary;
using System.Text;

namespace SrRescue.Vhd;

/// <summary>
/// One of the eight 24-byte parent locator entries of the dynamic header (vhd.md 2.2): where the
/// parent's path is stored and how it is encoded.
/// </summary>
public readonly record struct ParentLocator(uint PlatformCode, uint DataSpace, uint DataLength, uint Reserved, ulong DataOffset)
{
    public const int Size = 24;
    public const uint None = 0;
    public const uint MacX = 0x4D616358;
    public const uint W2ku = 0x57326B75;
    public const uint W2ru = 0x57327275;
    public const uint Wi2r = 0x57693272;
    public const uint Wi2k = 0x5769326B;
    public const uint Mac = 0x4D616320;

    /// <summary>Largest locator data we read: a path, at most a few KiB (blktap writes one sector).</summary>
    public const int MaxDataBytes = 64 * 1024;

    public static class Off
    {
        public const int PlatformCode = 0;
        public const int DataSpace = 4;
        public const int DataLength = 8;
        public const int Reserved = 12;
        public const int DataOffset = 16;
    }

    public bool IsUsed => PlatformCode != None;

    public bool IsKnownCode => PlatformCode is None or MacX or W2ku or W2ru or Wi2r or Wi2k or Mac;

    /// <summary>True for the codes that hold a path we can decode (MacX, W2ku, W2ru).</summary>
    public bool HoldsPath => PlatformCode is MacX or W2ku or W2ru;

    public string CodeName => PlatformCode switch
    {
        None => "none",
        _ => Encoding.ASCII.GetString([(byte)(PlatformCode >> 24), (byte)(PlatformCode >> 16), (byte)(PlatformCode >> 8), (byte)PlatformCode]),
    };

    /// <summary>
    /// data_space in bytes: below 512 it counts sectors, a multiple of 512 counts bytes (Microsoft
    /// tools and blktap write bytes); anything else is invalid (null). vhd.md 2.2.
    /// </summary>
    public long? DataSpaceBytes => DataSpace < 512 ? DataSpace * 512L : DataSpace % 512 == 0 ? DataSpace : null;

    public static ParentLocator Read(ReadOnlySpan<byte> entry) => new(
        BinaryPrimitives.ReadUInt32BigEndian(entry[Off.PlatformCode..]),
        BinaryPrimitives.ReadUInt32BigEndian(entry[Off.DataSpace..]),
        BinaryPrimitives.ReadUInt32BigEndian(entry[Off.DataLength..]),
        BinaryPrimitives.ReadUInt32BigEndian(entry[Off.Reserved..]),
        BinaryPrimitives.ReadUInt64BigEndian(entry[Off.DataOffset..]));

    /// <summary>
    /// Decodes the locator data: MacX is a UTF-8 file URL, W2ku/W2ru UTF-16LE paths (vhd.md 2.2).
    /// Returns the path with "file://" removed and backslashes turned into slashes.
    /// </summary>
    public string? DecodePath(ReadOnlySpan<byte> data)
    {
        string text;
        switch (PlatformCode)
        {
            case MacX:
                text = Encoding.UTF8.GetString(data);
                if (text.StartsWith("file://", StringComparison.Ordinal))
                {
                    text = text[7..];
                }

                break;
            case W2ku or W2ru:
                text = Encoding.Unicode.GetString(data[..(data.Length & ~1)]);
                break;
            default:
                return null;
        }

        text = text.TrimEnd('\0').Replace('\\', '/');
        return text.Length == 0 ? null : text;
    }
}
