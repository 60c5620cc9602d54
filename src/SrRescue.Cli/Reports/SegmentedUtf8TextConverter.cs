using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SrRescue.Cli.Reports;

/// <summary>
/// Writes a long UTF-8 text (a whole metadata text: 5.6 MiB for 16,000 LVs) as a JSON string,
/// decoded and escaped one segment at a time (<see cref="Utf8Segments"/>): neither a .NET string of
/// the text (11 MiB) nor a buffer of six bytes per character for the whole of it is made
/// (issue 14). The JSON is the same as the decoded string's, invalid bytes as U+FFFD.
/// </summary>
internal sealed class SegmentedUtf8TextConverter : JsonConverter<ReadOnlyMemory<byte>>
{
    public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Encoding.UTF8.GetBytes(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.Length <= Utf8Segments.SegmentBytes)
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(value.Span));
            return;
        }

        // The writer keeps a surrogate pair cut between two segments until the next one completes it.
        Utf8Segments.Decode(value.Span, (chars, isFinal) => writer.WriteStringValueSegment(chars, isFinal));
    }
}
