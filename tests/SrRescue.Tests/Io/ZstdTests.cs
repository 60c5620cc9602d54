using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io.Zstd;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Io;

/// <summary>
/// The Zstandard decoder against the real zstd CLI: frames it writes at several levels, with and
/// without checksum and content size, decode to the original bytes; header forms the CLI does not
/// write are made by rewriting its frame headers.
/// </summary>
public sealed class ZstdTests
{
    public static TheoryData<string, int, string> Cases => new()
    {
        { "zeros", 0, "-3" },
        { "text", 1, "-3" },
        { "text", 100, "-3" },
        { "text", 1000, "-19" },
        { "bytes", 3000, "-3" },
        { "bytes", 200_000, "-19" },
        { "nibbles", 50_000, "-3" },
        { "tokens", 300_000, "-19" },
        { "counter", 200_000, "-3" },
        { "pattern", 600_000, "-19" },
        { "random", 100_000, "-3" },
        { "random", 300_000, "-1" },
        { "zeros", 300_000, "-3" },
        { "zeros", 300_000, "-19" },
        { "text", 200_000, "-1" },
        { "text", 200_000, "-3" },
        { "text", 200_000, "-19" },
        { "text", 200_000, "--ultra -22" },
        { "text", 500_000, "-3 --no-check" },
        { "mixed", 200_000, "-3 --no-check" },
        { "mixed", 1_000_000, "-1" },
        { "mixed", 1_000_000, "-3" },
        { "mixed", 1_000_000, "-9" },
        { "mixed", 1_000_000, "-19" },
        { "disk", 65536, "-1" },
        { "disk", 65536, "-3" },
        { "disk", 65536, "-19" },
        { "disk", 65536, "--ultra -22" },
        { "disk", 65536, "--fast=5" },
        { "disk", 2 << 20, "-1" },
        { "disk", 2 << 20, "-3" },
        { "disk", 2 << 20, "-19" },
        { "disk", 2 << 20, "--long -3" },
        { "disk", 2 << 20, "--fast=5 --no-check" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Frames_the_cli_writes_decode_to_the_original(string kind, int length, string args)
    {
        var data = ZstdSamples.Make(kind, length);
        var frame = ZstdCli.Compress(data, args.Split(' '));
        AssertDecodes(data, frame);
    }

    public static TheoryData<string, int, string> StreamCases => new()
    {
        { "text", 5000, "-3" },
        { "disk", 2 << 20, "-3" },
        { "mixed", 300_000, "-19 --no-check" },
        { "disk", 1 << 20, "--long -9" },
    };

    /// <summary>From a pipe zstd knows no size: the frame has a window descriptor and no content size.</summary>
    [Theory]
    [MemberData(nameof(StreamCases))]
    public void Frames_without_a_content_size_decode_to_the_original(string kind, int length, string args)
    {
        var data = ZstdSamples.Make(kind, length);
        var frame = ZstdCli.CompressStream(data, args.Split(' '));
        Assert.Equal(0, frame[4] & 0x20);
        AssertDecodes(data, frame);
    }

    [Fact]
    public void Bytes_after_the_frame_are_ignored()
    {
        var data = ZstdSamples.Disk(65536, 3);
        var frame = ZstdCli.Compress(data, "-3");
        var slack = ZstdSamples.Random(3000, 4);
        AssertDecodes(data, [.. frame, .. slack]);
        AssertDecodes(data, [.. frame, .. new byte[511]]);
        AssertDecodes(data, [.. frame, .. ZstdCli.Compress(ZstdSamples.Text(5000, 5), "-3")]);
    }

    [Fact]
    public void Skippable_frames_before_the_frame_are_skipped()
    {
        var data = ZstdSamples.Text(10_000, 6);
        var frame = ZstdCli.Compress(data, "-3");
        byte[] Skippable(uint nibble, int size)
        {
            var s = new byte[8 + size];
            BinaryPrimitives.WriteUInt32LittleEndian(s, 0x184D2A50 | nibble);
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(4), (uint)size);
            s.AsSpan(8).Fill(0xEE);
            return s;
        }

        AssertDecodes(data, [.. Skippable(0, 0), .. Skippable(0xF, 100), .. Skippable(7, 4), .. frame]);
        var only = Skippable(3, 16);
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(only, new byte[100]));
        Assert.Equal(ZstdCodes.Truncated, e.Finding.Code);
    }

    /// <summary>Every frame header descriptor the format allows: single segment or a window, content size in 0, 1, 2, 4 or 8 bytes, dictionary ID 0 in 0, 1, 2 or 4 bytes.</summary>
    [Fact]
    public void Every_header_form_decodes()
    {
        var forms = 0;
        foreach (var length in new[] { 200, 5000 })
        {
            var data = ZstdSamples.Text(length, 7);
            var frame = ZstdCli.Compress(data, "-3");
            foreach (var single in new[] { true, false })
            {
                for (var sizeFlag = 0; sizeFlag < 4; sizeFlag++)
                {
                    for (var idFlag = 0; idFlag < 4; idFlag++)
                    {
                        if (ZstdFrames.WithHeader(frame, single, sizeFlag, idFlag, dictionaryId: 0) is { } rewritten)
                        {
                            AssertDecodes(data, rewritten);
                            forms++;
                        }
                    }
                }
            }
        }

        // 200 bytes: single with a 1, 4 or 8-byte size, a window with none, 4 or 8; 5000 bytes:
        // single with 2, 4 or 8, a window with none, 2, 4 or 8; each with the 4 ID sizes.
        Assert.Equal((3 + 3 + 3 + 4) * 4, forms);
    }

    [Fact]
    public void A_frame_that_needs_a_dictionary_is_refused()
    {
        var data = ZstdSamples.Text(5000, 8);
        var frame = ZstdFrames.WithHeader(ZstdCli.Compress(data, "-3"), single: true, sizeFlag: 1, idFlag: 2, dictionaryId: 0x1234)!;
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[data.Length]));
        Assert.Equal(ZstdCodes.Dictionary, e.Finding.Code);
        Assert.Contains("dictionary 4660", e.Message);
    }

    [Fact]
    public void An_output_too_small_for_the_frame_is_refused_before_or_while_decoding()
    {
        var data = ZstdSamples.Disk(300_000, 9);
        var sized = ZstdCli.Compress(data, "-3");
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(sized, new byte[data.Length - 1]));
        Assert.Equal(ZstdCodes.TooLarge, e.Finding.Code);
        var streamed = ZstdCli.CompressStream(data, "-3");
        foreach (var room in new[] { 0, 1000, 131_072, data.Length - 1 })
        {
            e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(streamed, new byte[room]));
            Assert.Equal(ZstdCodes.TooLarge, e.Finding.Code);
        }
    }

    [Fact]
    public void Errors_give_the_offset_in_the_source()
    {
        var data = ZstdSamples.Text(5000, 10);
        var frame = ZstdCli.Compress(data, "-3");
        frame[^1] ^= 1;
        var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[data.Length], sourceOffset: 1_000_000));
        Assert.Equal(ZstdCodes.Checksum, e.Finding.Code);
        Assert.Equal(1_000_000 + frame.Length - 4, e.Finding.Offset);
        Assert.Equal("zstd content checksum", e.Finding.Structure);
    }

    private static void AssertDecodes(byte[] expected, byte[] frame)
    {
        // The output may be longer than the frame's content: the return value says how much was written.
        var output = new byte[expected.Length + 17];
        var n = ZstdDecompressor.DecompressFrame(frame, output);
        Assert.Equal(expected.Length, n);
        var at = expected.AsSpan().CommonPrefixLength(output.AsSpan(0, n));
        Assert.True(at == n, $"the output differs from byte {at} of {n}");
        Assert.All(output[n..], b => Assert.Equal(0, b));
    }
}
