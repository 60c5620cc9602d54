using System.Buffers;
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;
using SrRescue.Diagnostics;

namespace SrRescue.Io;

/// <summary>
/// Copies a source into a new file in large chunks, leaving holes for what reads as zeros (the
/// file is sized at the end), so a mostly empty 100 GiB LV costs what its data costs. A source
/// that knows its unallocated ranges (<see cref="ISparseSource"/>, e.g. a VHD chain) has them
/// skipped without reading; everything read is zero-tested per 4 KiB page and only non-zero page
/// runs are written. Chunks are independent positional reads and writes, so a few workers copy
/// them side by side (reading from and writing to the page cache are both CPU-bound copies).
/// </summary>
public static class SparseCopy
{
    public const int ChunkBytes = 4 << 20;

    /// <summary>The hole granularity: the page size of the file systems the output lands on.</summary>
    public const int PageBytes = 4096;

    /// <summary>Two: one reading while the other writes (buffered writes to one file serialise on its inode lock).</summary>
    private const int MaxWorkers = 2;

    /// <param name="output">Truncated first: whatever it held would otherwise show through the holes.</param>
    /// <returns>The bytes of data actually written (non-zero pages).</returns>
    public static long Copy(IByteSource source, FileStream output, IProgress<WorkProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        var cursor = new ChunkCursor(source, progress);
        output.SetLength(0);
        try
        {
            output.SetLength(source.Length);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new IOException($"{output.Name}: the file system cannot hold a file of {source.Length} bytes (the size {source.Name} claims)", e);
        }
        var handle = output.SafeFileHandle;
        var workers = Math.Clamp(Environment.ProcessorCount, 1, MaxWorkers);
        long written = 0;
        ExceptionDispatchInfo? failure = null;
        var threads = new Thread[workers - 1];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Work) { IsBackground = true, Name = "SparseCopy" };
            threads[i].Start();
        }

        Work();
        foreach (var t in threads)
        {
            t.Join();
        }

        failure?.Throw();
        cancel.ThrowIfCancellationRequested();
        output.Flush(flushToDisk: true);
        progress?.Report(new WorkProgress(source.Name, source.Length, source.Length));
        return written;

        void Work()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                long mine = 0;
                while (Volatile.Read(ref failure) is null && !cancel.IsCancellationRequested && cursor.Next(out var at, out var length))
                {
                    var chunk = buffer.AsSpan(0, length);
                    var n = source.ReadFullyAt(at, chunk);
                    chunk[n..].Clear();
                    mine += WriteNonZeroPages(handle, chunk, at);
                    WriteBehind.Start(handle, at, length);
                }

                Interlocked.Add(ref written, mine);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Writes each run of pages that holds a non-zero byte, in one write per run.</summary>
    internal static long WriteNonZeroPages(SafeFileHandle output, ReadOnlySpan<byte> data, long fileOffset)
    {
        long written = 0;
        var i = 0;
        while (i < data.Length)
        {
            var first = data[i..].IndexOfAnyExcept((byte)0);
            if (first < 0)
            {
                break;
            }

            // The run starts at the page holding that byte (pages counted in file offsets).
            var start = Math.Max(i, PageStart(fileOffset, i + first));
            var end = NextPageEnd(fileOffset, start, data.Length);
            while (end < data.Length)
            {
                var next = NextPageEnd(fileOffset, end, data.Length);
                if (!data[end..next].ContainsAnyExcept((byte)0))
                {
                    break;
                }

                end = next;
            }

            RandomAccess.Write(output, data[start..end], fileOffset + start);
            written += end - start;
            i = end;
        }

        return written;
    }

    private static int PageStart(long fileOffset, int index) => index - (int)((fileOffset + index) % PageBytes);

    private static int NextPageEnd(long fileOffset, int index, int length) =>
        (int)Math.Min(length, index + PageBytes - ((fileOffset + index) % PageBytes));

    /// <summary>
    /// Hands out the chunks to copy, in disk order: the data ranges of a sparse source (holes
    /// skipped), cut at multiples of <see cref="ChunkBytes"/> so reads stay aligned to VHD blocks.
    /// </summary>
    private sealed class ChunkCursor(IByteSource source, IProgress<WorkProgress>? progress)
    {
        private readonly Lock _gate = new();
        private readonly ISparseSource? _sparse = source as ISparseSource;
        private long _pos;
        private long _dataEnd;

        public bool Next(out long at, out int length)
        {
            lock (_gate)
            {
                var total = source.Length;
                if (_pos >= _dataEnd)
                {
                    var start = _sparse?.NextDataOffset(_pos, total) ?? _pos;
                    var end = start < total ? _sparse?.NextHoleOffset(start, total) ?? total : total;
                    _pos = start;
                    _dataEnd = end > start ? end : Math.Min(total, start + ChunkBytes);
                }

                progress?.Report(new WorkProgress(source.Name, Math.Min(_pos, total), total));
                if (_pos >= total)
                {
                    at = total;
                    length = 0;
                    return false;
                }

                at = _pos;
                var chunkEnd = Math.Min(_dataEnd, ((_pos / ChunkBytes) + 1) * ChunkBytes);
                length = (int)(chunkEnd - _pos);
                _pos = chunkEnd;
                return true;
            }
        }
    }
}
