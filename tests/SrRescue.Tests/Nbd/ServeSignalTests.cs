using System.Diagnostics;
using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Nbd;

/// <summary>`serve` as the program a user runs: Ctrl-C (SIGINT) and SIGTERM stop it cleanly, with its report and its socket removed.</summary>
public sealed class ServeSignalTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_signal_stops_the_server_with_its_report(string signal)
    {
        var nbdinfo = ExternalTool.Require("nbdinfo", "libnbd-bin");
        var kill = ExternalTool.Require("kill", "procps");
        var dir = VhdFiles.Extract("qcow2_files", "child.qcow2.gz", "base.qcow2.gz");
        var socket = Path.Combine(dir, "s.sock");
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "SrRescue.Cli"))
        {
            ArgumentList = { "serve", Path.Combine(dir, "child.qcow2"), "--socket", socket, "--json" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            for (var i = 0; i < 600 && !File.Exists(socket) && !p.HasExited; i++)
            {
                Thread.Sleep(50);
            }

            Assert.True(File.Exists(socket), "serve did not listen");
            ExternalTool.RunChecked(nbdinfo, $"nbd+unix:///?socket={socket}");
            ExternalTool.RunChecked(kill, $"-{signal}", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(p.WaitForExit(30_000), $"serve did not stop on SIG{signal}");
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
        }

        var (output, errors) = (await stdout, await stderr);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {errors}");
        using var report = JsonDocument.Parse(output);
        Assert.Equal("srrescue.serve/1", report.RootElement.GetProperty("schema").GetString());
        Assert.Equal(1, report.RootElement.GetProperty("connections").GetInt32());
        Assert.Contains("stopped", errors);
        Assert.False(File.Exists(socket), "the socket file is left behind");
    }
}
