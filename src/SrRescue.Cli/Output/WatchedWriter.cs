using System.Text;

namespace SrRescue.Cli.Output;

/// <summary>Passes everything to the writer it wraps and remembers whether anything was written (so the CLI knows a command printed its document).</summary>
internal sealed class WatchedWriter(TextWriter inner) : TextWriter
{
    public bool HasWritten { get; private set; }

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        HasWritten = true;
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        HasWritten |= !string.IsNullOrEmpty(value);
        inner.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        HasWritten |= count > 0;
        inner.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        HasWritten |= buffer.Length > 0;
        inner.Write(buffer);
    }

    public override void WriteLine(string? value)
    {
        HasWritten = true;
        inner.WriteLine(value);
    }

    public override void Flush() => inner.Flush();
}
