using System.Text;

namespace SrRescue.Cli.Reports;

/// <summary>
/// UTF-8 text decoded in segments of <see cref="SegmentBytes"/>, for writing a long text without a
/// .NET string of all of it (two bytes a character). One decoder carries a character cut between
/// two segments into the next, so the characters are those of <see cref="Encoding.UTF8"/>'s
/// GetString on the whole, invalid bytes as U+FFFD.
/// </summary>
internal static class Utf8Segments
{
    public const int SegmentBytes = 64 << 10;

    /// <summary>Receives one segment's characters; <paramref name="isFinal"/> for the last.</summary>
    public delegate void Segment(ReadOnlySpan<char> chars, bool isFinal);

    public static void Decode(ReadOnlySpan<byte> utf8, Segment write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(SegmentBytes)];
        var at = 0;
        bool isFinal;
        do
        {
            var n = Math.Min(SegmentBytes, utf8.Length - at);
            isFinal = at + n == utf8.Length;
            var count = decoder.GetChars(utf8.Slice(at, n), chars, flush: isFinal);
            write(chars.AsSpan(0, count), isFinal);
            at += n;
        }
        while (!isFinal);
    }
}
