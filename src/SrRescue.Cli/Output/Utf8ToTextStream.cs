using System.Text;

namespace SrRescue.Cli.Output;

/// <summary>
/// A write-only stream that passes UTF-8 bytes on to a <see cref="TextWriter"/> as text, a
/// buffer at a time: a JSON report of megabytes (history of a full ring: 12 MB) goes out while it
/// is serialised instead of being built whole as a string first. A character split between two
/// writes is held until its last byte comes.
/// </summary>
internal sealed class Utf8ToTextStream(TextWriter target) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = [];

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
        var needed = _decoder.GetCharCount(buffer, flush: false);
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, 4096)];
        }

        var n = _decoder.GetChars(buffer, _chars, flush: false);
        target.Write(_chars.AsSpan(0, n));
    }

    public override void Flush() => target.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
