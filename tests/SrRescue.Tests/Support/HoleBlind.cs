using SrRescue.Io;

namespace SrRescue.Tests.Support;

/// <summary>A source that tells no holes, as a block device: every extent is read as if it held data.</summary>
internal sealed class HoleBlind(IByteSource inner) : IByteSource
{
    public string Name => inner.Name;

    public long Length => inner.Length;

    public int ReadAt(long offset, Span<byte> buffer) => inner.ReadAt(offset, buffer);
}
