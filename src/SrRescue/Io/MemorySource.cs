namespace SrRescue.Io;

/// <summary>Bytes held in memory: embedded examples and structure tests.</summary>
internal sealed class MemorySource(ReadOnlyMemory<byte> bytes, string name = "memory") : IByteSource
{
    public string Name { get; } = name;

    public long Length => bytes.Length;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= bytes.Length)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.Span.Slice((int)offset, n).CopyTo(buffer);
        return n;
    }
}
