using System.Buffers.Binary;

namespace SrRescue.Io.Zstd;

/// <summary>
/// Decodes one Zstandard frame (RFC 8878 3.1.1) into a span: skippable frames before it are
/// passed over, then the header, the blocks (raw, RLE, compressed) and the content checksum.
/// It holds the buffers and tables a frame needs (a literals buffer of one block maximum, the
/// Huffman and FSE tables), reused from frame to frame; nothing is sized from the input.
/// One instance decodes one frame at a time.
/// </summary>
internal sealed class ZstdFrameDecoder
{
    private const uint SkippableMagic = 0x184D2A50;
    private const uint SkippableMask = 0xFFFFFFF0;

    private readonly ZstdLiterals literals = new();
    private readonly ZstdSequences sequences = new();

    /// <param name="input">Starts with the frame, or with skippable frames before it; bytes after the frame are ignored.</param>
    /// <param name="output">Its length is the most the frame may decode to.</param>
    /// <param name="sourceOffset">Where <paramref name="input"/> starts in its source, for the offsets of errors.</param>
    /// <returns>The number of bytes written to <paramref name="output"/>.</returns>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output, long sourceOffset)
    {
        var pos = SkipSkippableFrames(input, sourceOffset);
        var frameAt = sourceOffset + pos;
        var header = ZstdFrameHeader.Read(input[pos..], frameAt);
        if (header.DictionaryId != 0)
        {
            throw ZstdError.At(ZstdCodes.Dictionary, "zstd frame header", frameAt, $"the frame needs dictionary {header.DictionaryId}, and no dictionaries are available");
        }

        if (header.ContentSize is { } size && size > (ulong)output.Length)
        {
            throw ZstdError.At(ZstdCodes.TooLarge, "zstd frame header", frameAt, $"the frame content size is {size} bytes, more than the {output.Length} bytes the output holds");
        }

        pos += header.Length;
        literals.ResetFrame();
        sequences.ResetFrame();
        var blockMax = (int)Math.Min(ZstdDecompressor.MaxBlockSize, header.WindowSize);
        var written = 0;
        bool last;
        do
        {
            var at = sourceOffset + pos;
            if (input.Length - pos < 3)
            {
                throw ZstdError.Truncated("zstd block header", at, 3, input.Length - pos);
            }

            var blockHeader = input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16);
            last = (blockHeader & 1) != 0;
            var type = (blockHeader >> 1) & 3;
            var blockSize = blockHeader >> 3;
            pos += 3;
            if (type == 3)
            {
                throw ZstdError.At(ZstdCodes.Block, "zstd block header", at, "the block type is the reserved value 3");
            }

            if (blockSize > blockMax)
            {
                throw ZstdError.At(ZstdCodes.Block, "zstd block header", at, $"the block size {blockSize} is above the block maximum of {blockMax} bytes");
            }

            var contentLength = type == 1 ? 1 : blockSize;
            if (input.Length - pos < contentLength)
            {
                throw ZstdError.Truncated(type == 2 ? "zstd compressed block" : "zstd raw block", sourceOffset + pos, contentLength, input.Length - pos);
            }

            var content = input.Slice(pos, contentLength);
            var target = new BlockTarget(written, blockMax, output.Length, header.WindowSize);
            if (type == 2)
            {
                DecodeCompressed(content, sourceOffset + pos, output, ref written, target);
            }
            else
            {
                if (blockSize > output.Length - written)
                {
                    throw target.Overrun(written, blockSize, at);
                }

                if (type == 0)
                {
                    content.CopyTo(output[written..]);
                }
                else
                {
                    output.Slice(written, blockSize).Fill(content[0]);
                }

                written += blockSize;
            }

            pos += contentLength;
        }
        while (!last);

        if (header.ContentSize is { } expected && expected != (ulong)written)
        {
            throw ZstdError.At(ZstdCodes.ContentSize, "zstd frame", frameAt, "the blocks decode to a size other than the frame content size", expected.ToString(), written.ToString());
        }

        if (header.HasChecksum)
        {
            CheckChecksum(input[pos..], sourceOffset + pos, output[..written]);
        }

        return written;
    }

    private void DecodeCompressed(ReadOnlySpan<byte> block, long at, Span<byte> output, ref int written, in BlockTarget target)
    {
        var used = literals.Decode(block, at, written, target, out var decoded);
        sequences.Execute(block[used..], at + used, decoded, output, ref written, target);
    }

    private static void CheckChecksum(ReadOnlySpan<byte> rest, long at, ReadOnlySpan<byte> content)
    {
        if (rest.Length < 4)
        {
            throw ZstdError.Truncated("zstd content checksum", at, 4, rest.Length);
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        var computed = (uint)Xxh64.Hash(content);
        if (stored != computed)
        {
            throw ZstdError.At(ZstdCodes.Checksum, "zstd content checksum", at, "the decoded content does not match the frame's checksum", $"{stored:x8}", $"{computed:x8}");
        }
    }

    /// <returns>Where the first Zstandard frame starts.</returns>
    private static int SkipSkippableFrames(ReadOnlySpan<byte> input, long sourceOffset)
    {
        var pos = 0;
        while (true)
        {
            if (input.Length - pos < 4)
            {
                throw ZstdError.Truncated("zstd frame magic number", sourceOffset + pos, 4, input.Length - pos);
            }

            var magic = BinaryPrimitives.ReadUInt32LittleEndian(input[pos..]);
            if (magic == ZstdFrameHeader.Magic)
            {
                return pos;
            }

            if ((magic & SkippableMask) != SkippableMagic)
            {
                throw ZstdError.At(ZstdCodes.Magic, "zstd frame magic number", sourceOffset + pos, $"0x{magic:x8} is neither a Zstandard frame nor a skippable frame");
            }

            if (input.Length - pos < 8)
            {
                throw ZstdError.Truncated("zstd skippable frame header", sourceOffset + pos, 8, input.Length - pos);
            }

            var size = BinaryPrimitives.ReadUInt32LittleEndian(input[(pos + 4)..]);
            if (size > (uint)(input.Length - pos - 8))
            {
                throw ZstdError.Truncated("zstd skippable frame", sourceOffset + pos, 8L + size, input.Length - pos);
            }

            pos += 8 + (int)size;
        }
    }
}
