using System.Text.Json;
using System.Text.Json.Serialization;

namespace SrRescue.Cli.Reports;

/// <summary>
/// Writes a long string value (a whole metadata text: 5.6 MiB for 16,000 LVs) in segments of
/// 64 Ki characters, so the serialiser escapes one segment at a time instead of renting a buffer of
/// six bytes per character for the whole text (issue 14). The JSON is the same.
/// </summary>
internal sealed class SegmentedStringConverter : JsonConverter<string>
{
    private const int SegmentChars = 64 << 10;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= SegmentChars)
        {
            writer.WriteStringValue(value);
            return;
        }

        // The writer keeps a surrogate pair cut between two segments until the next one completes it.
        for (var at = 0; at < value.Length; at += SegmentChars)
        {
            var n = Math.Min(SegmentChars, value.Length - at);
            writer.WriteStringValueSegment(value.AsSpan(at, n), isFinalSegment: at + n == value.Length);
        }
    }
}
