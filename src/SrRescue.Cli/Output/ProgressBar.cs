using System.Diagnostics;
using SrRescue.Diagnostics;

namespace SrRescue.Cli.Output;

/// <summary>
/// A one-line progress bar with rate and ETA on stderr, redrawn at most a few times a second;
/// nothing at all when stderr is not a terminal (DESIGN.md).
/// </summary>
internal sealed class ProgressBar(CliContext ctx) : IProgress<WorkProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDrawMs = -1000;
    private bool _drawn;

    public void Report(WorkProgress value)
    {
        if (!ctx.ErrIsTerminal)
        {
            return;
        }

        var now = _clock.ElapsedMilliseconds;
        var finished = value.DoneBytes >= value.TotalBytes;
        if (!finished && now - _lastDrawMs < 200)
        {
            return;
        }

        _lastDrawMs = now;
        var fraction = value.TotalBytes > 0 ? (double)value.DoneBytes / value.TotalBytes : 1;
        var rate = now > 0 ? value.DoneBytes * 1000.0 / now : 0;
        var eta = rate > 0 ? TimeSpan.FromSeconds((value.TotalBytes - value.DoneBytes) / rate) : TimeSpan.Zero;
        const int width = 30;
        var filled = (int)(fraction * width);
        ctx.Err.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {fraction * 100,5:0.0}%  {Units.Bytes(value.DoneBytes)} of {Units.Bytes(value.TotalBytes)}  {Units.Bytes((long)rate)}/s  ETA {eta:hh\\:mm\\:ss} ");
        _drawn = true;
        if (finished)
        {
            Done();
        }
    }

    public void Done()
    {
        if (_drawn)
        {
            ctx.Err.WriteLine();
            _drawn = false;
        }
    }
}
