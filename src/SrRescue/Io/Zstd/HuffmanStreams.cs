using System.Buffers.Binary;

namespace SrRescue.Io.Zstd;

/// <summary>
/// Decodes Huffman-coded literals (RFC 8878 3.1.1.3.1.6): one backward bitstream, or four, each
/// giving a quarter of the literals (rounded up, the last stream the rest) and found by a 6-byte
/// jump table of the first three streams' sizes. Every stream must be read to its last bit.
/// </summary>
internal static class HuffmanStreams
{
    private const string Structure = "zstd Huffman-coded literals";

    /// <param name="at">Absolute offset of <paramref name="src"/>.</param>
    public static void DecodeOne(HuffmanTable table, ReadOnlySpan<byte> src, long at, Span<byte> dest) =>
        Decode(table, src, at, dest);

    public static void DecodeFour(HuffmanTable table, ReadOnlySpan<byte> src, long at, Span<byte> dest)
    {
        if (src.Length < 6)
        {
            throw ZstdError.Truncated(Structure + " jump table", at, 6, src.Length);
        }

        var size1 = BinaryPrimitives.ReadUInt16LittleEndian(src);
        var size2 = BinaryPrimitives.ReadUInt16LittleEndian(src[2..]);
        var size3 = BinaryPrimitives.ReadUInt16LittleEndian(src[4..]);
        var size4 = src.Length - 6 - size1 - size2 - size3;
        if (size4 < 0)
        {
            throw ZstdError.At(ZstdCodes.Huffman, Structure + " jump table", at, $"the first three streams ({size1}, {size2} and {size3} bytes) are longer than the {src.Length - 6} bytes after the jump table");
        }

        var segment = (dest.Length + 3) / 4;
        if (3 * segment > dest.Length)
        {
            throw ZstdError.At(ZstdCodes.Literals, Structure, at, $"{dest.Length} literals are too few for four streams");
        }

        var pos = 6;
        Decode(table, src.Slice(pos, size1), at + pos, dest[..segment]);
        pos += size1;
        Decode(table, src.Slice(pos, size2), at + pos, dest.Slice(segment, segment));
        pos += size2;
        Decode(table, src.Slice(pos, size3), at + pos, dest.Slice(2 * segment, segment));
        pos += size3;
        Decode(table, src.Slice(pos, size4), at + pos, dest[(3 * segment)..]);
    }

    private static void Decode(HuffmanTable table, ReadOnlySpan<byte> src, long at, Span<byte> dest)
    {
        var bits = new BackwardBitReader(src, at, Structure);
        var cells = table.Cells;
        var maxBits = table.MaxBits;
        var i = 0;

        // A reload leaves at least 57 bits, enough for four codes of at most 11 bits.
        for (var end4 = dest.Length - 3; i < end4; i += 4)
        {
            bits.Reload();
            var c = cells[(int)bits.Peek(maxBits)];
            bits.Skip(c & 0xFF);
            dest[i] = (byte)(c >> 8);
            c = cells[(int)bits.Peek(maxBits)];
            bits.Skip(c & 0xFF);
            dest[i + 1] = (byte)(c >> 8);
            c = cells[(int)bits.Peek(maxBits)];
            bits.Skip(c & 0xFF);
            dest[i + 2] = (byte)(c >> 8);
            c = cells[(int)bits.Peek(maxBits)];
            bits.Skip(c & 0xFF);
            dest[i + 3] = (byte)(c >> 8);
        }

        for (; i < dest.Length; i++)
        {
            bits.Reload();
            var c = cells[(int)bits.Peek(maxBits)];
            bits.Skip(c & 0xFF);
            dest[i] = (byte)(c >> 8);
        }

        bits.Reload();
        if (!bits.IsFinished)
        {
            throw ZstdError.At(ZstdCodes.Bitstream, Structure, at, bits.IsOverflowed
                ? $"the stream ends before its {dest.Length} literals are decoded"
                : $"bits are left in the stream after its {dest.Length} literals");
        }
    }
}
