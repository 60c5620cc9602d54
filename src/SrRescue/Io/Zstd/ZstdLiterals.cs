namespace SrRescue.Io.Zstd;

/// <summary>
/// The literals section of a compressed block (RFC 8878 3.1.1.3.1): raw, RLE, Huffman-coded with
/// a new tree, or Huffman-coded with the previous block's tree ("treeless"), in one or four
/// streams. Decoded literals go to a buffer of one block maximum, reused; raw literals are
/// returned where they lie in the input. The Huffman tree lasts for the frame.
/// </summary>
internal sealed class ZstdLiterals
{
    private const string Structure = "zstd literals section";

    private readonly byte[] buffer = new byte[ZstdDecompressor.MaxBlockSize];
    private readonly HuffmanTable table = new();
    private bool hasTable;

    /// <summary>A new frame has no Huffman tree to repeat.</summary>
    public void ResetFrame() => hasTable = false;

    /// <param name="block">The compressed block's content, starting with the literals section.</param>
    /// <param name="at">Absolute offset of <paramref name="block"/>.</param>
    /// <param name="written">Bytes of the frame decoded before this block.</param>
    /// <param name="target">Bounds the literals: the block cannot decode to fewer bytes than it has literals.</param>
    /// <returns>The literals section's length in bytes.</returns>
    public int Decode(ReadOnlySpan<byte> block, long at, int written, in BlockTarget target, out ReadOnlySpan<byte> literals)
    {
        var maxSize = target.End - written;
        if (block.IsEmpty)
        {
            throw ZstdError.Truncated(Structure + " header", at, 1, 0);
        }

        int b0 = block[0];
        var type = b0 & 3;
        var format = (b0 >> 2) & 3;
        if (type <= 1)
        {
            var headerLength = format switch { 1 => 2, 3 => 3, _ => 1 };
            Need(block, headerLength, at, Structure + " header");
            var size = format switch
            {
                1 => (b0 >> 4) + (block[1] << 4),
                3 => (b0 >> 4) + (block[1] << 4) + (block[2] << 12),
                _ => b0 >> 3,
            };
            CheckSize(size, maxSize, at, written, target);
            if (type == 0)
            {
                Need(block, headerLength + size, at, Structure + " (raw literals)");
                literals = block.Slice(headerLength, size);
                return headerLength + size;
            }

            Need(block, headerLength + 1, at, Structure + " (RLE literals)");
            buffer.AsSpan(0, size).Fill(block[headerLength]);
            literals = buffer.AsSpan(0, size);
            return headerLength + 1;
        }

        var length = format switch { 2 => 4, 3 => 5, _ => 3 };
        var sizeBits = format switch { 2 => 14, 3 => 18, _ => 10 };
        Need(block, length, at, Structure + " header");
        ulong header = 0;
        for (var i = 0; i < length; i++)
        {
            header |= (ulong)block[i] << (8 * i);
        }

        var mask = (1 << sizeBits) - 1;
        var regenerated = (int)(header >> 4) & mask;
        var compressed = (int)(header >> (4 + sizeBits)) & mask;
        CheckSize(regenerated, maxSize, at, written, target);
        Need(block, length + compressed, at, Structure + " (Huffman-coded literals)");
        var payload = block.Slice(length, compressed);
        var payloadAt = at + length;
        if (type == 2)
        {
            var used = table.Read(payload, payloadAt);
            hasTable = true;
            payload = payload[used..];
            payloadAt += used;
        }
        else if (!hasTable)
        {
            throw ZstdError.At(ZstdCodes.Literals, Structure, at, "treeless literals, but no earlier block of this frame has a Huffman tree to repeat");
        }

        var dest = buffer.AsSpan(0, regenerated);
        if (format == 0)
        {
            HuffmanStreams.DecodeOne(table, payload, payloadAt, dest);
        }
        else
        {
            HuffmanStreams.DecodeFour(table, payload, payloadAt, dest);
        }

        literals = dest;
        return length + compressed;
    }

    private static void CheckSize(int size, int maxSize, long at, int written, in BlockTarget target)
    {
        if (size > maxSize)
        {
            throw target.Overrun(written, size, at);
        }
    }

    private static void Need(ReadOnlySpan<byte> block, int length, long at, string structure)
    {
        if (length > block.Length)
        {
            throw ZstdError.Truncated(structure, at, length, block.Length);
        }
    }
}
