using System.Diagnostics;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Recovery.Dom0;

/// <summary>
/// Runs a dom0 script the way a user does: <c>sh SCRIPT</c> in a directory. "sh" is the system's
/// /bin/sh (dash on Debian: POSIX, no bash-isms); "busybox" runs it under busybox sh with only
/// busybox's applets on the PATH (dd, sha256sum, blockdev...), as on a minimal dom0 rescue shell.
/// <paramref name="extraPath"/> puts test doubles (a fake ssh) first on the PATH.
/// </summary>
internal static class Dom0Shell
{
    private static readonly Lazy<string> BusyboxBin = new(() =>
    {
        var busybox = ExternalTool.Require("busybox", "busybox");
        var dir = Fixtures.NewTempDir();
        ExternalTool.RunChecked(busybox, "--install", "-s", dir);
        return dir;
    });

    public static ExternalTool.Result Run(string shell, string script, string workDir, string? extraPath = null)
    {
        var (file, path) = shell == "busybox"
            ? (ExternalTool.Require("busybox", "busybox"), BusyboxBin.Value)
            : ("/bin/sh", "/usr/sbin:/usr/bin:/sbin:/bin");
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (shell == "busybox")
        {
            psi.ArgumentList.Add("sh");
        }

        psi.ArgumentList.Add(script);
        psi.Environment["PATH"] = extraPath is null ? path : $"{extraPath}:{path}";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish");
        }

        return new ExternalTool.Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static ExternalTool.Result RunChecked(string shell, string script, string workDir, string? extraPath = null)
    {
        var r = Run(shell, script, workDir, extraPath);
        Assert.True(r.ExitCode == 0, $"{shell} {script} exited {r.ExitCode}: {r.All}");
        return r;
    }
}
