using System.Buffers;
using System.Buffers.Binary;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The non-zero 64-bit big-endian words of a table on disk (an L1 table, a bitmap table), read in
/// chunks so a table of millions of entries needs no array of its size. Entries past the end of
/// the file are zeros, as qemu reads them, so reading stops there. Every chunk is taken from the
/// check's read budget.
/// </summary>
internal static class TableWords
{
    private const int ChunkBytes = 1 << 16;

    public static IEnumerable<(long Index, ulong Word)> NonZero(CheckContext c, ulong offset, long count)
    {
        if (offset >= (ulong)c.FileLength || count <= 0)
        {
            yield break;
        }

        var inFile = Math.Min(count, (c.FileLength - (long)offset) / 8);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long done = 0; done < inFile;)
            {
                var n = (int)Math.Min(ChunkBytes / 8, inFile - done);
                if (!c.TakeBudget(n * 8L))
                {
                    yield break;
                }

                var got = c.Source.ReadFullyAt((long)offset + (done * 8), buffer.AsSpan(0, n * 8)) / 8;
                for (var i = 0; i < got; i++)
                {
                    var word = BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(i * 8));
                    if (word != 0)
                    {
                        yield return (done + i, word);
                    }
                }

                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
