using System.Text;

namespace SrRescue.Cli.Output;

/// <summary>
/// A write-only stream that decodes the UTF-8 bytes written to it into a <see cref="TextWriter"/>
/// as they come, so a JSON report goes out in the serialiser's chunks instead of first becoming one
/// string as long as the report (issue 14: the report of an SR with 16,000 LVs is 11 MiB of JSON,
/// 22 MiB as a string, on top of the serialiser's own buffer).
/// </summary>
internal sealed class TextWriterStream(TextWriter target) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] _chars = new char[8192];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            // Up to 8 KiB of bytes at a time; a character cut at the end waits in the decoder for its next bytes.
            var take = Math.Min(buffer.Length, _chars.Length);
            var n = _decoder.GetChars(buffer[..take], _chars, flush: false);
            target.Write(_chars, 0, n);
            buffer = buffer[take..];
        }
    }

    public override void Flush() => target.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
