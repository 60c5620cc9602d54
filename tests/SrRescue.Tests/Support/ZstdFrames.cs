using System.Buffers.Binary;
using SrRescue.Io.Zstd;

namespace SrRescue.Tests.Support;

/// <summary>Frames rewritten by hand: other header forms, damaged copies.</summary>
internal static class ZstdFrames
{
    /// <summary>
    /// <paramref name="frame"/> (which has a content size) with a new header: single segment or a
    /// window descriptor, the content size in the form <paramref name="sizeFlag"/> gives, and the
    /// dictionary ID in the form <paramref name="idFlag"/> gives. Null when the size does not fit the form.
    /// </summary>
    public static byte[]? WithHeader(byte[] frame, bool single, int sizeFlag, int idFlag, uint dictionaryId)
    {
        var old = ZstdFrameHeader.Read(frame, 0);
        var size = old.ContentSize!.Value;
        var sizeBytes = sizeFlag switch { 0 => single ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        if ((sizeBytes == 1 && size > 255) || (sizeBytes == 2 && (size < 256 || size > 65535 + 256)))
        {
            return null;
        }

        var header = new List<byte> { 0x28, 0xB5, 0x2F, 0xFD };
        header.Add((byte)((sizeFlag << 6) | (single ? 0x20 : 0) | (old.HasChecksum ? 4 : 0) | idFlag));
        if (!single)
        {
            // A window of 2^(10+e) bytes at least as large as the content.
            var e = 0;
            while ((1UL << (10 + e)) < Math.Max(size, old.WindowSize))
            {
                e++;
            }

            header.Add((byte)(e << 3));
        }

        var id = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(id, dictionaryId);
        header.AddRange(id.Take(idFlag switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 }));
        var fcs = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(fcs, sizeBytes == 2 ? size - 256 : size);
        header.AddRange(fcs.Take(sizeBytes));
        return [.. header, .. frame.AsSpan(old.Length)];
    }
}
