namespace SrRescue.Io;

/// <summary>A byte range of another source: a partition, or a PV found at an offset inside an image.</summary>
public sealed class SubRangeSource : IByteSource
{
    private readonly IByteSource _inner;

    public SubRangeSource(IByteSource inner, long start, long length, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _inner = inner;
        Start = Math.Min(start, inner.Length);
        Length = Math.Min(length, inner.Length - Start);
        Name = name ?? (start == 0 ? inner.Name : $"{inner.Name}@{start}");
    }

    public string Name { get; }

    public long Start { get; }

    public long Length { get; }

    public IByteSource Inner => _inner;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Length - offset);
        return _inner.ReadAt(Start + offset, buffer[..want]);
    }
}
