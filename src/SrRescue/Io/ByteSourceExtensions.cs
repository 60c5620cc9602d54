namespace SrRescue.Io;

internal static class ByteSourceExtensions
{
    /// <summary>
    /// Reads as much of <paramref name="buffer"/> as the source holds at <paramref name="offset"/>,
    /// looping over short reads; returns the count read (less than the buffer only at the end).
    /// </summary>
    public static int ReadFullyAt(this IByteSource source, long offset, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (offset < 0 || offset >= source.Length)
        {
            return 0;
        }

        var total = 0;
        while (total < buffer.Length)
        {
            var n = source.ReadAt(offset + total, buffer[total..]);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Reads <paramref name="count"/> bytes into a new array, shorter at the end of the source.</summary>
    public static byte[] ReadBytes(this IByteSource source, long offset, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var available = offset >= source.Length || offset < 0 ? 0 : (int)Math.Min(count, source.Length - offset);
        var bytes = new byte[available];
        var n = source.ReadFullyAt(offset, bytes);
        return n == available ? bytes : bytes[..n];
    }
}
