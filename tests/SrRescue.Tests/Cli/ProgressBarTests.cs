using SrRescue.Cli;
using SrRescue.Cli.Output;
using SrRescue.Diagnostics;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Progress on long work: a bar with rate and ETA when stderr is a terminal, nothing at all when it
/// is redirected; each phase of a command gets its own line and rate.
/// </summary>
public sealed class ProgressBarTests
{
    private const long MiB = 1 << 20;

    private sealed class Clock
    {
        public long Ms { get; set; }
    }

    private static (ProgressBar Bar, StringWriter Err, Clock Clock) Bar(bool terminal)
    {
        var err = new StringWriter();
        var clock = new Clock();
        return (new ProgressBar(new CliContext(TextWriter.Null, err, terminal), () => clock.Ms), err, clock);
    }

    [Fact]
    public void Nothing_is_written_when_stderr_is_redirected()
    {
        var (bar, err, clock) = Bar(terminal: false);
        bar.Report(new WorkProgress("copy", 0, 100 * MiB));
        clock.Ms = 5000;
        bar.Report(new WorkProgress("copy", 100 * MiB, 100 * MiB));
        bar.Done();
        Assert.Equal("", err.ToString());
    }

    [Fact]
    public void The_line_gives_the_share_the_rate_and_the_time_left()
    {
        var (bar, err, clock) = Bar(terminal: true);
        bar.Report(new WorkProgress("copy", 0, 100 * MiB));
        clock.Ms = 2000;
        bar.Report(new WorkProgress("copy", 25 * MiB, 100 * MiB));
        var last = err.ToString().Split('\r')[^1];
        Assert.Contains("copy", last);
        Assert.Contains(" 25.0%", last);
        Assert.Contains("25.0 MiB of 100 MiB", last);
        Assert.Contains("12.5 MiB/s", last);
        Assert.Contains("ETA 00:00:06", last);
        Assert.DoesNotContain("\n", err.ToString());
    }

    [Fact]
    public void Work_counted_in_other_units_is_shown_in_them()
    {
        var (bar, err, clock) = Bar(terminal: true);
        bar.Report(new WorkProgress("revising guesses", 0, 399, "sweeps"));
        clock.Ms = 4000;
        bar.Report(new WorkProgress("revising guesses", 10, 399, "sweeps"));
        var last = err.ToString().Split('\r')[^1];
        Assert.Contains("  2.5%  10 of 399 sweeps", last);
        Assert.Contains("2.5 sweeps/s", last);
        Assert.Contains("ETA 00:02:35", last);
        Assert.DoesNotContain("B/s", last);
    }

    [Fact]
    public void Redraws_are_at_most_five_a_second_but_the_end_is_always_drawn()
    {
        var (bar, err, clock) = Bar(terminal: true);
        for (var i = 0; i < 100; i++)
        {
            clock.Ms = i * 10;
            bar.Report(new WorkProgress("copy", i * MiB, 100 * MiB));
        }

        bar.Report(new WorkProgress("copy", 100 * MiB, 100 * MiB));
        var draws = err.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, draws.Length);
        Assert.Contains("100.0%", draws[^1]);
        Assert.EndsWith("\n", err.ToString());
    }

    [Fact]
    public void A_new_phase_gets_its_own_line_and_rate()
    {
        var (bar, err, clock) = Bar(terminal: true);
        bar.Report(new WorkProgress("placing extents", 0, 10 * MiB));
        clock.Ms = 10_000;
        bar.Report(new WorkProgress("placing extents", 5 * MiB, 10 * MiB));
        bar.Report(new WorkProgress("disk-a.vhd", 0, 4 * MiB));
        clock.Ms = 11_000;
        bar.Report(new WorkProgress("disk-a.vhd", 2 * MiB, 4 * MiB));
        bar.Report(new WorkProgress("disk-a.vhd", 0, 4 * MiB));
        clock.Ms = 11_500;
        bar.Report(new WorkProgress("disk-a.vhd", 1 * MiB, 4 * MiB));
        var lines = err.ToString().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains("placing extents", lines[0]);
        Assert.Contains("2.0 MiB/s", lines[1].Split('\r')[^1]);
        Assert.Contains("2.0 MiB/s", lines[2].Split('\r')[^1]);
    }

    [Fact]
    public void A_long_name_is_cut_at_its_start_so_the_line_stays_one_line()
    {
        var (bar, err, _) = Bar(terminal: true);
        var name = "/dev/mapper/" + new string('x', 200) + "/VHD-6f1b";
        bar.Report(new WorkProgress(name, 0, MiB));
        var line = err.ToString().TrimStart('\r');
        Assert.StartsWith("...", line);
        Assert.Contains("VHD-6f1b  [", line);
        Assert.True(line.Length < 120, line);
    }

    [Fact]
    public void Export_draws_its_progress_on_a_terminal_and_nothing_when_redirected()
    {
        var vdi = Fixtures.Expected("lost_vdi").GetProperty("vdis")[0].GetProperty("uuid").GetString()!;
        var image = Fixtures.Image("lost_vdi");
        string[] Args(string output) => ["export", image, "--vdi", vdi, "--format", "raw", "-o", output];

        var onTerminal = Support.Cli.RunOnTerminal(Args(Path.Combine(Fixtures.NewTempDir(), "a.raw")));
        Assert.Equal(0, onTerminal.ExitCode);
        Assert.Contains("100.0%", onTerminal.Err);

        var redirected = Support.Cli.Run(Args(Path.Combine(Fixtures.NewTempDir(), "b.raw")));
        Assert.Equal(0, redirected.ExitCode);
        Assert.DoesNotContain("%", redirected.Err);
    }

    [Fact]
    public void Carve_shows_each_phase_in_bytes_on_its_own_line()
    {
        var r = Support.Cli.RunOnTerminal("carve", Fixtures.Image("sr_recreated"), "-o", Path.Combine(Fixtures.NewTempDir(), "out"), "--format", "raw");
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        var finals = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\r')[^1]).ToList();
        Assert.Contains(finals, l => l.StartsWith("finding VHD and QCOW2 starts", StringComparison.Ordinal));
        var unclaimed = Assert.Single(finals, l => l.StartsWith("checking unclaimed extents", StringComparison.Ordinal));
        Assert.Matches(@"100\.0%  (\d+(\.\d)?) MiB of \1 MiB", unclaimed);
    }
}
