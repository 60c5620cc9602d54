namespace SrRescue.Io;

/// <summary>
/// A write-only stream that keeps what is written in chunks of <see cref="ChunkBytes"/>, each
/// below the large-object threshold, and gives it back as one array of the exact length. A
/// <see cref="MemoryStream"/> doubles one array instead: writing 5.6 MiB leaves arrays of 4 and
/// 8 MiB on the large-object heap, where a process under a heap limit cannot move them
/// (issue 14, the restore file of 16,000 LVs).
/// </summary>
public sealed class ChunkedWriteStream : Stream
{
    /// <summary>Below the 85,000 bytes from which .NET puts an array on the large-object heap.</summary>
    public const int ChunkBytes = 64 << 10;

    private readonly List<byte[]> _chunks = [];
    private int _usedInLast = ChunkBytes;
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            if (_usedInLast == ChunkBytes)
            {
                _chunks.Add(new byte[ChunkBytes]);
                _usedInLast = 0;
            }

            var n = Math.Min(buffer.Length, ChunkBytes - _usedInLast);
            buffer[..n].CopyTo(_chunks[^1].AsSpan(_usedInLast));
            _usedInLast += n;
            _length += n;
            buffer = buffer[n..];
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>
    /// Everything written, in one array of its length; the chunks are let go and the stream is
    /// empty after, so the bytes are not held twice by whoever still holds the stream.
    /// </summary>
    public byte[] TakeAll()
    {
        var all = new byte[_length];
        var at = 0;
        foreach (var chunk in _chunks)
        {
            var n = (int)Math.Min(ChunkBytes, _length - at);
            chunk.AsSpan(0, n).CopyTo(all.AsSpan(at));
            at += n;
        }

        _chunks.Clear();
        _usedInLast = ChunkBytes;
        _length = 0;
        return all;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
