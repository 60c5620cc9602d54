using System.Buffers;
using SrRescue.Diagnostics;

namespace SrRescue.Io;

/// <summary>
/// Copies a source into a new file in large chunks, leaving all-zero chunks as holes (the file is
/// sized at the end), so a mostly empty 100 GiB LV costs what its data costs.
/// </summary>
public static class SparseCopy
{
    public const int ChunkBytes = 4 << 20;

    /// <returns>The bytes of data actually written (non-zero chunks).</returns>
    public static long Copy(IByteSource source, FileStream output, IProgress<WorkProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long written = 0;
            for (long pos = 0; pos < source.Length; pos += ChunkBytes)
            {
                cancel.ThrowIfCancellationRequested();
                var want = (int)Math.Min(ChunkBytes, source.Length - pos);
                var chunk = buffer.AsSpan(0, want);
                var n = source.ReadFullyAt(pos, chunk);
                chunk[n..].Clear();
                if (chunk.ContainsAnyExcept((byte)0))
                {
                    output.Position = pos;
                    output.Write(chunk);
                    written += want;
                }

                progress?.Report(new WorkProgress(source.Name, pos + want, source.Length));
            }

            output.SetLength(source.Length);
            output.Flush(flushToDisk: true);
            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
