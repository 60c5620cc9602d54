using System.Text;
using System.Text.Json;
using SrRescue.Cli.Reports;

namespace SrRescue.Tests.Cli;

/// <summary>
/// show-metadata writes a copy's text from its UTF-8 bytes a segment at a time: the characters must
/// be those of decoding the whole at once, however a character or an invalid sequence (a damaged
/// copy's garbage) falls across segment ends.
/// </summary>
public sealed class Utf8SegmentsTests
{
    public static TheoryData<string> Texts() => new() { "empty", "ascii", "mixed", "euro", "emoji", "cut-invalid", "garbage" };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Decodes_as_the_whole_text_decodes(string kind)
    {
        var bytes = Make(kind);
        var decoded = new StringBuilder();
        var finals = 0;
        Utf8Segments.Decode(bytes, (chars, isFinal) =>
        {
            decoded.Append(chars);
            finals += isFinal ? 1 : 0;
        });
        Assert.Equal(Encoding.UTF8.GetString(bytes), decoded.ToString());
        Assert.Equal(1, finals);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Json_is_the_decoded_strings(string kind)
    {
        var bytes = Make(kind);
        var options = new JsonSerializerOptions { Converters = { new SegmentedUtf8TextConverter() } };
        var json = JsonSerializer.Serialize<ReadOnlyMemory<byte>>(bytes, options);
        Assert.Equal(JsonSerializer.Serialize(Encoding.UTF8.GetString(bytes), options), json);
        Assert.Equal(Encoding.UTF8.GetString(bytes), JsonSerializer.Deserialize<string>(json));
    }

    /// <summary>
    /// Three segments and more: characters of 2, 3 and 4 bytes (the 3-byte € cut after its first
    /// byte at the first segment end, after its second at the next; a 4-byte one cut after its
    /// third), a sequence cut short across a segment end, random bytes.
    /// </summary>
    private static byte[] Make(string kind)
    {
        const int length = 3 * Utf8Segments.SegmentBytes + 5;
        switch (kind)
        {
            case "empty":
                return [];
            case "ascii":
                return Encoding.UTF8.GetBytes(new string('x', length));
            case "mixed":
                return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("lv_é€😀\"\\\n", length / 15)));
            case "euro":
                return Encoding.UTF8.GetBytes(new string('€', length / 3));
            case "emoji":
                return Encoding.UTF8.GetBytes("x" + string.Concat(Enumerable.Repeat("😀", length / 4)));
            case "cut-invalid":
                var cut = Encoding.UTF8.GetBytes(new string('x', length));
                cut[Utf8Segments.SegmentBytes - 1] = 0xE2; // € is E2 82 AC: its first two bytes, then an x
                cut[Utf8Segments.SegmentBytes] = 0x82;
                return cut;
            default:
                var garbage = new byte[length];
                new Random(14).NextBytes(garbage);
                return garbage;
        }
    }
}
