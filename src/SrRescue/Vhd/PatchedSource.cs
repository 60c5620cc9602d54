using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The damaged source as the repaired file will be: its bytes, with the repaired structures laid
/// over them and a new length (past the source's end it reads zeros). The source itself is never
/// written; the repairer inspects this view again and copies it to the output.
/// </summary>
internal sealed class PatchedSource : IByteSource
{
    private readonly IByteSource _inner;
    private readonly List<(long At, byte[] Bytes)> _patches = [];

    public PatchedSource(IByteSource inner, long lengthBytes)
    {
        _inner = inner;
        Length = lengthBytes;
        Name = inner.Name;
    }

    public string Name { get; }

    public long Length { get; }

    /// <summary>Lays <paramref name="bytes"/> over the source at <paramref name="at"/>; later patches win.</summary>
    public void Patch(long at, byte[] bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(at);
        if (at + bytes.Length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(at), $"patch at {at} of {bytes.Length} bytes runs past the end ({Length})");
        }

        _patches.Add((at, bytes));
    }

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Length - offset);
        var target = buffer[..want];
        var n = _inner.ReadFullyAt(offset, target);
        target[n..].Clear();
        foreach (var (at, bytes) in _patches)
        {
            var from = Math.Max(at, offset);
            var to = Math.Min(at + bytes.Length, offset + want);
            if (from < to)
            {
                bytes.AsSpan((int)(from - at), (int)(to - from)).CopyTo(target[(int)(from - offset)..]);
            }
        }

        return want;
    }
}
