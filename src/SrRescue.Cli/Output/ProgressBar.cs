using System.Diagnostics;
using System.Globalization;
using SrRescue.Diagnostics;

namespace SrRescue.Cli.Output;

/// <summary>
/// A one-line progress bar with rate and ETA on stderr, redrawn at most five times a second;
/// nothing at all when stderr is not a terminal (DESIGN.md). One bar serves a command's phases in
/// turn (carve: finding starts, placing extents, then each VDI written): a new phase (another
/// <see cref="WorkProgress.What"/>, or a count that starts again) gets a line and a rate of its own.
/// </summary>
/// <param name="clock">Milliseconds since some start; a test gives its own.</param>
internal sealed class ProgressBar(CliContext ctx, Func<long>? clock = null) : IProgress<WorkProgress>
{
    private const int Width = 30;
    private const long RedrawMs = 200;
    private const int MaxWhat = 28;

    private readonly Func<long> _clock = clock ?? StartClock();
    private string? _what;
    private long _lastDone;
    private long _phaseStartMs;
    private long? _lastDrawMs;
    private bool _drawn;

    public void Report(WorkProgress value)
    {
        if (!ctx.ErrIsTerminal)
        {
            return;
        }

        var now = _clock();
        if (value.What != _what || value.Done < _lastDone)
        {
            Done();
            _what = value.What;
            _phaseStartMs = now;
            _lastDrawMs = null;
        }

        _lastDone = value.Done;
        var finished = value.Done >= value.Total;
        if (!finished && now - _lastDrawMs < RedrawMs)
        {
            return;
        }

        _lastDrawMs = now;
        ctx.Err.Write("\r" + Line(value, now - _phaseStartMs) + " ");
        _drawn = true;
        if (finished)
        {
            Done();
        }
    }

    /// <summary>Ends the current line, if one was drawn.</summary>
    public void Done()
    {
        if (_drawn)
        {
            ctx.Err.WriteLine();
            _drawn = false;
        }
    }

    /// <summary>A long name (an image path) keeps its end, so the line stays one terminal line and \r redraws it.</summary>
    private static string Shortened(string what) => what.Length <= MaxWhat ? what : "..." + what[^(MaxWhat - 3)..];

    private static Func<long> StartClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.ElapsedMilliseconds;
    }

    /// <summary>What, bar, share, bytes done of all, the rate since the phase began and the time left at that rate.</summary>
    private static string Line(WorkProgress value, long elapsedMs)
    {
        var total = Math.Max(value.Total, 0);
        var done = Math.Clamp(value.Done, 0, total);
        var fraction = total > 0 ? (double)done / total : 1;
        var filled = (int)(fraction * Width);
        var amount = value.Unit is { } unit ? $"{done} of {total} {unit}" : $"{Units.Bytes(done)} of {Units.Bytes(total)}";
        var line = $"{Shortened(value.What)}  [{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,5:0.0}%  {amount}";
        if (elapsedMs <= 0 || done == 0)
        {
            return line;
        }

        var rate = done * 1000.0 / elapsedMs;
        var eta = TimeSpan.FromSeconds(Math.Min((total - done) / rate, TimeSpan.MaxValue.TotalSeconds / 2));
        var speed = value.Unit is { } u ? string.Create(CultureInfo.InvariantCulture, $"{rate:0.0} {u}/s") : $"{Units.Bytes((long)rate)}/s";
        return $"{line}  {speed}  ETA {(int)eta.TotalHours:00}:{eta.Minutes:00}:{eta.Seconds:00}";
    }
}
