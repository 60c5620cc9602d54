namespace SrRescue.Io;

/// <summary>
/// A byte range of another source: a partition, or a PV found at an offset inside an image. Passes
/// on where the inner source knows it holds no data (a sparse image's holes).
/// </summary>
internal sealed class SubRangeSource : ISparseSource
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

    public long NextDataOffset(long offset, long limit)
    {
        var end = Math.Min(limit, Length);
        if (offset >= end)
        {
            return limit;
        }

        if (_inner is not ISparseSource sparse)
        {
            return offset;
        }

        var next = sparse.NextDataOffset(Start + offset, Start + end) - Start;
        return next >= end ? limit : next;
    }

    public long NextHoleOffset(long offset, long limit)
    {
        var end = Math.Min(limit, Length);
        if (offset >= end)
        {
            return Math.Min(Math.Max(offset, Length), limit);
        }

        var next = _inner is ISparseSource sparse ? sparse.NextHoleOffset(Start + offset, Start + end) - Start : end;
        return next >= end ? (Length < limit ? Length : limit) : next;
    }
}
