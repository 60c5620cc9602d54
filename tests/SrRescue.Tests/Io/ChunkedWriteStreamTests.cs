using SrRescue.Io;

namespace SrRescue.Tests.Io;

public sealed class ChunkedWriteStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkedWriteStream.ChunkBytes)]
    [InlineData(ChunkedWriteStream.ChunkBytes + 1)]
    [InlineData(5 * ChunkedWriteStream.ChunkBytes - 7)]
    public void Gives_back_every_byte_written_in_order_across_chunks(int length)
    {
        var expected = new byte[length];
        new Random(length).NextBytes(expected);
        using var s = new ChunkedWriteStream();
        // Writes of uneven sizes, one byte alone among them, so writes straddle chunk ends.
        for (int at = 0, n = 1; at < length; at += n, n = n * 3 % 70_001 + 1)
        {
            n = Math.Min(n, length - at);
            if (n == 1)
            {
                s.WriteByte(expected[at]);
            }
            else
            {
                s.Write(expected, at, n);
            }
        }

        Assert.Equal(length, s.Length);
        Assert.Equal(expected, s.TakeAll());
        Assert.Equal(0, s.Length);
        Assert.Empty(s.TakeAll());
    }

    [Fact]
    public void Is_write_only()
    {
        using var s = new ChunkedWriteStream();
        Assert.False(s.CanRead);
        Assert.False(s.CanSeek);
        Assert.Throws<NotSupportedException>(() => s.Read(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => s.Seek(0, SeekOrigin.Begin));
    }
}
