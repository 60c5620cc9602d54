using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io.Zstd;

namespace SrRescue.Tests.Io;

/// <summary>
/// Frames built by hand, for forms zstd rarely writes and for damage that must be caught in the
/// sequences: with RLE mode for all three tables no state reads a bit, so the sequences'
/// bitstream is just its end marker and a block can be written without an encoder.
/// </summary>
public sealed class ZstdHandmadeFrameTests
{
    /// <summary>
    /// Raw literals (3-byte header), <paramref name="count"/> sequences, RLE codes for literals
    /// length, offset and match length, and a one-byte bitstream: the end marker, with the extra
    /// bits of the codes below it (read from the highest down).
    /// </summary>
    private static byte[] Frame(byte[] literals, int count, byte llCode, byte ofCode, byte mlCode, int contentSize, bool rleLiterals = false, byte stream = 0x01)
    {
        var block = new List<byte>();
        if (rleLiterals)
        {
            // RLE literals, 20-bit size: type 1, size format 3.
            block.AddRange([(byte)(1 | (3 << 2) | ((count & 0xF) << 4)), (byte)(count >> 4), (byte)(count >> 12), literals[0]]);
        }
        else
        {
            block.AddRange([(byte)(0 | (3 << 2) | ((literals.Length & 0xF) << 4)), (byte)(literals.Length >> 4), (byte)(literals.Length >> 12)]);
            block.AddRange(literals);
        }

        if (count < 128)
        {
            block.Add((byte)count);
        }
        else if (count < 0x7F00)
        {
            block.AddRange([(byte)(128 + (count >> 8)), (byte)count]);
        }
        else
        {
            block.AddRange([255, (byte)(count - 0x7F00), (byte)((count - 0x7F00) >> 8)]);
        }

        block.AddRange([0x54, llCode, ofCode, mlCode, stream]); // RLE, RLE, RLE; the bitstream
        var frame = new List<byte> { 0x28, 0xB5, 0x2F, 0xFD, 0xA0 }; // single segment, 4-byte content size
        frame.AddRange(BitConverter.GetBytes(contentSize));
        var header = (block.Count << 3) | (2 << 1) | 1;
        frame.AddRange([(byte)header, (byte)(header >> 8), (byte)(header >> 16)]);
        frame.AddRange(block);
        return [.. frame];
    }

    /// <summary>Literals length code 1 (1 literal), offset code 0 (value 1: repeat offset 1, which starts at 1), match length code 0 (3).</summary>
    private static byte[] Expected(byte[] literals) => [.. literals.SelectMany(b => new[] { b, b, b, b })];

    [Fact]
    public void A_block_with_a_three_byte_sequence_count_decodes()
    {
        const int Count = 32_600; // above 0x7F00, and 4 bytes each stays within the 128 KiB block maximum
        var literals = new byte[Count];
        new Random(21).NextBytes(literals);
        var frame = Frame(literals, Count, 1, 0, 0, Count * 4);
        var output = new byte[Count * 4];
        Assert.Equal(Count * 4, ZstdDecompressor.DecompressFrame(frame, output));
        Assert.Equal(Expected(literals), output);
    }

    [Fact]
    public void Rle_literals_decode()
    {
        var frame = Frame([0x7E], 5000, 1, 0, 0, 20_000, rleLiterals: true);
        var output = new byte[20_000];
        Assert.Equal(20_000, ZstdDecompressor.DecompressFrame(frame, output));
        Assert.All(output, b => Assert.Equal(0x7E, b));
    }

    [Fact]
    public void A_block_decoding_to_more_than_its_maximum_is_refused()
    {
        const int Count = 33_000; // 132,000 bytes > 128 KiB
        var frame = Frame(new byte[Count], Count, 1, 0, 0, Count * 4);
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[Count * 4]));
        Assert.Equal(ZstdCodes.Block, e.Finding.Code);
    }

    [Fact]
    public void Sequences_that_take_more_literals_than_there_are_are_refused()
    {
        var frame = Frame(new byte[10], 11, 1, 0, 0, 44);
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[44]));
        Assert.Equal(ZstdCodes.Sequences, e.Finding.Code);
        Assert.Contains("takes 1 literals, 0 are left", e.Message);
    }

    [Fact]
    public void An_offset_before_the_start_of_the_output_is_refused()
    {
        // Offset code 5 with extra bits 00000: value 32, so 32 - 3 = 29 back, after 1 literal.
        var frame = Frame(new byte[1], 1, 1, 5, 0, 100, stream: 0x20);
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[100]));
        Assert.Equal(ZstdCodes.Sequences, e.Finding.Code);
        Assert.Contains("29 bytes back, but only 1 bytes are decoded", e.Message);
    }

    [Fact]
    public void A_repeat_offset_of_zero_is_refused()
    {
        // No literals, offset code 1 with extra bit 1: value 3, which then means repeat offset 1
        // minus 1, and repeat offset 1 starts at 1.
        var frame = Frame([], 1, 0, 1, 0, 1000, stream: 0x03);
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[1000]));
        Assert.Equal(ZstdCodes.Sequences, e.Finding.Code);
        Assert.Contains("repeats offset 1 minus 1", e.Message);
    }

    [Fact]
    public void Rle_codes_above_the_largest_are_refused()
    {
        foreach (var (ll, of, ml) in new (byte, byte, byte)[] { (36, 0, 0), (1, 32, 0), (1, 0, 53) })
        {
            var frame = Frame(new byte[4], 4, ll, of, ml, 16);
            var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[1 << 20]));
            Assert.Equal(ZstdCodes.Sequences, e.Finding.Code);
        }
    }

    [Fact]
    public void A_sequences_bitstream_with_bits_left_over_is_refused()
    {
        var frame = Frame(new byte[4], 4, 1, 0, 0, 16);
        frame[^1] = 0x02; // the end marker one bit higher: one unread bit
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[16]));
        Assert.Equal(ZstdCodes.Bitstream, e.Finding.Code);
        frame[^1] = 0x00; // no end marker
        e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[16]));
        Assert.Equal(ZstdCodes.Bitstream, e.Finding.Code);
    }

    [Fact]
    public void Hand_made_frames_decode_with_a_content_checksum()
    {
        var literals = new byte[100];
        new Random(22).NextBytes(literals);
        var frame = Frame(literals, 100, 1, 0, 0, 400);
        frame[4] |= 0x04;
        var expected = Expected(literals);
        byte[] withChecksum = [.. frame, .. BitConverter.GetBytes((uint)Xxh64.Hash(expected))];
        var output = new byte[400];
        Assert.Equal(400, ZstdDecompressor.DecompressFrame(withChecksum, output));
        Assert.Equal(expected, output);
        BinaryPrimitives.WriteUInt32LittleEndian(withChecksum.AsSpan(withChecksum.Length - 4), 0);
        Assert.Equal(ZstdCodes.Checksum, Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(withChecksum, output)).Finding.Code);
    }
}
