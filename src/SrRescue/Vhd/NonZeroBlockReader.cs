using System.Buffers;
using System.Runtime.ExceptionServices;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Reads the blocks of a disk that hold a non-zero byte, in disk order, on a background thread a
/// few blocks ahead of the consumer, so reading (and zero-testing) one block overlaps writing the
/// one before. Blocks an <see cref="ISparseSource"/> reports as holes are skipped without reading.
/// Each block lands in a pooled frame at <c>leadBytes</c>; the lead is the consumer's to fill once
/// (it is never written here). Single producer, single consumer.
/// </summary>
internal sealed class NonZeroBlockReader : IDisposable
{
    private const int Slots = 3;
    private const int End = -1;

    private readonly IByteSource _disk;
    private readonly int _blockBytes;
    private readonly int _leadBytes;
    private readonly int _blockCount;
    private readonly IProgress<WorkProgress>? _progress;
    private readonly byte[][] _frames = new byte[Slots][];
    private readonly int[] _blocks = new int[Slots];
    private readonly SemaphoreSlim _free = new(Slots, Slots);
    private readonly SemaphoreSlim _ready = new(0, Slots + 1);
    private readonly CancellationTokenSource _stop;
    private readonly Thread _thread;
    private ExceptionDispatchInfo? _failure;
    private int _consumed;

    public NonZeroBlockReader(IByteSource disk, int blockBytes, int blockCount, int leadBytes, Action<Span<byte>> initLead,
        IProgress<WorkProgress>? progress, CancellationToken cancel)
    {
        _disk = disk;
        _blockBytes = blockBytes;
        _blockCount = blockCount;
        _leadBytes = leadBytes;
        _progress = progress;
        for (var i = 0; i < Slots; i++)
        {
            _frames[i] = ArrayPool<byte>.Shared.Rent(leadBytes + blockBytes);
            initLead(_frames[i].AsSpan(0, leadBytes));
        }

        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        _thread = new Thread(Produce) { IsBackground = true, Name = "NonZeroBlockReader" };
        _thread.Start();
    }

    /// <summary>The next non-zero block and its frame; false at the end. Call <see cref="Release"/> when done with the frame.</summary>
    public bool TryNext(out int block, out byte[] frame)
    {
        _ready.Wait(_stop.Token);
        var slot = _consumed % Slots;
        block = _blocks[slot];
        frame = _frames[slot];
        if (block == End)
        {
            _failure?.Throw();
            _stop.Token.ThrowIfCancellationRequested();
            return false;
        }

        return true;
    }

    public void Release()
    {
        _consumed++;
        _free.Release();
    }

    private void Produce()
    {
        var produced = 0;
        try
        {
            var sparse = _disk as ISparseSource;
            var token = _stop.Token;
            _free.Wait(token);
            for (var block = 0; block < _blockCount; block++)
            {
                token.ThrowIfCancellationRequested();
                var start = (long)block * _blockBytes;
                var stop = Math.Min(_disk.Length, start + _blockBytes);
                _progress?.Report(new WorkProgress(_disk.Name, start, _disk.Length));
                if (sparse is not null && sparse.NextDataOffset(start, stop) >= stop)
                {
                    continue;
                }

                // The tail of a partial last block, and anything the source cannot supply, is zeros.
                var data = _frames[produced % Slots].AsSpan(_leadBytes, _blockBytes);
                var n = _disk.ReadFullyAt(start, data[..(int)(stop - start)]);
                data[n..].Clear();
                if (!data.ContainsAnyExcept((byte)0))
                {
                    continue;
                }

                _blocks[produced % Slots] = block;
                produced++;
                _ready.Release();
                _free.Wait(token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }

        // The end marker takes the slot already held (every path above holds one, or was cancelled).
        _blocks[produced % Slots] = End;
        _ready.Release();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        foreach (var frame in _frames)
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        _stop.Dispose();
        _free.Dispose();
        _ready.Dispose();
    }
}
