using System.Buffers.Binary;

namespace SrRescue.Io.Zstd;

/// <summary>
/// A Zstandard frame header (RFC 8878 3.1.1.1): magic number, frame header descriptor, window
/// descriptor (absent in single-segment frames, whose window is their content size), dictionary
/// ID (0, 1, 2 or 4 bytes) and frame content size (0, 1, 2 or 8 bytes; 2-byte values are
/// offset by 256).
/// </summary>
/// <param name="Length">The header's length in bytes, magic number included.</param>
/// <param name="ContentSize">The decoded size the header gives, or null when it gives none.</param>
/// <param name="WindowSize">How far back matches may reach.</param>
internal readonly record struct ZstdFrameHeader(int Length, ulong? ContentSize, ulong WindowSize, uint DictionaryId, bool HasChecksum, bool SingleSegment)
{
    public const uint Magic = 0xFD2FB528;

    private const string Structure = "zstd frame header";

    /// <param name="src">Starts with the magic number, which the caller has checked.</param>
    /// <param name="at">Absolute offset of <paramref name="src"/>.</param>
    public static ZstdFrameHeader Read(ReadOnlySpan<byte> src, long at)
    {
        Need(src, 5, at);
        int descriptor = src[4];
        var contentSizeFlag = descriptor >> 6;
        var singleSegment = (descriptor & 0x20) != 0;
        var hasChecksum = (descriptor & 0x04) != 0;
        if ((descriptor & 0x08) != 0)
        {
            throw ZstdError.At(ZstdCodes.Header, Structure, at + 4, $"the reserved bit of the frame header descriptor 0x{descriptor:x2} is set");
        }

        var dictionaryIdSize = (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
        var contentSizeSize = contentSizeFlag switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        var length = 5 + (singleSegment ? 0 : 1) + dictionaryIdSize + contentSizeSize;
        Need(src, length, at);
        var pos = 5;
        ulong window = 0;
        if (!singleSegment)
        {
            int descriptorByte = src[pos++];
            var windowLog = 10 + (descriptorByte >> 3);
            var windowBase = 1UL << windowLog;
            window = windowBase + ((windowBase / 8) * (ulong)(descriptorByte & 7));
        }

        var dictionaryId = dictionaryIdSize switch
        {
            1 => src[pos],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(src[pos..]),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(src[pos..]),
            _ => 0u,
        };
        pos += dictionaryIdSize;
        ulong? contentSize = contentSizeSize switch
        {
            1 => src[pos],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(src[pos..]) + 256UL,
            4 => BinaryPrimitives.ReadUInt32LittleEndian(src[pos..]),
            8 => BinaryPrimitives.ReadUInt64LittleEndian(src[pos..]),
            _ => null,
        };
        if (singleSegment)
        {
            window = contentSize!.Value;
        }

        return new ZstdFrameHeader(length, contentSize, window, dictionaryId, hasChecksum, singleSegment);
    }

    private static void Need(ReadOnlySpan<byte> src, int length, long at)
    {
        if (length > src.Length)
        {
            throw ZstdError.Truncated(Structure, at, length, src.Length);
        }
    }
}
