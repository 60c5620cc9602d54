using System.Buffers;
using System.Globalization;
using System.Text;

namespace SrRescue.Cli.Output;

/// <summary>
/// The terminal's guard (issue 15 item 8): strings read from disk (VG and LV names, VHD parent
/// names, MGT labels) can hold control characters, and an escape sequence printed raw can clear
/// the screen, retitle the terminal or hide text. Every control character but newline, tab and
/// carriage return (the progress bar's), and the C1 controls and bidirectional overrides, is
/// printed as \uXXXX instead: readable on a terminal, and in a JSON string the very escape JSON
/// itself uses, so a document stays the same document.
/// </summary>
internal sealed class ControlEscapingWriter(TextWriter inner) : TextWriter
{
    /// <summary>The characters <see cref="IsUnsafe"/> names, searched for vectorised: a history of a wrapped ring prints 12 MiB.</summary>
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x2070).Select(i => (char)i).Where(IsUnsafe)]);

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => CultureInfo.InvariantCulture;

    public override void Write(char value)
    {
        if (IsUnsafe(value))
        {
            inner.Write($"\\u{(int)value:X4}");
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (!buffer.ContainsAny(Unsafe))
        {
            inner.Write(buffer);
            return;
        }

        foreach (var c in buffer)
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.WriteLine();
    }

    public override void Flush() => inner.Flush();

    private static bool IsUnsafe(char c) =>
        (c < 0x20 && c is not ('\n' or '\t' or '\r')) || c is >= '\u007F' and <= '\u009F' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}
