using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SrRescue.Tests.Fuzz;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Issue 14: every command's memory stays bounded on an SR as large as the formats allow
/// (<see cref="LargeSr"/>: a 2.5 TiB PV made by lvm2, 16,000 LVs in a 5.6 MiB metadata text twice
/// in the ring, a chain of 30 VHDs of 2 TiB each, BATs of 2^20 entries, at offsets past 2 TiB), on
/// the chain's VHDs as files, and on QCOW2 images of 4 TiB with 4 KiB clusters (a 16 MiB L1 table
/// each) made by qemu-img. Before the bound, scan and list held every BAT of a chain (120 MiB here)
/// and the JSON report as one string, and the doctor searched every LV range for every extent;
/// restore-metadata held the newest copy's text tree while it read its own file back, and that
/// file as a string (137 MiB of heap), show-metadata the text as a string.
/// <para>
/// Each command runs as the program a user runs, in a process of its own, with the runtime told to
/// hold the managed heap under <see cref="HeapLimitBytes"/> (<c>DOTNET_GCHeapHardLimit</c>): the GC
/// itself keeps count, collects fully before it gives up, and fails the allocation that would pass
/// the limit (OutOfMemory, the process aborts). So the bound is on what the command keeps alive,
/// whatever garbage the GC would have let gather, and no peak between two samples is missed. The
/// runtime, code and stacks take about 50 MiB besides the heap; bench/memory-peak.sh gives each
/// command's peak RSS on the same SR. Runs alone: the commands take both cores.
/// </para>
/// </summary>
[Collection(nameof(MutationFuzzTests))]
public sealed class CommandMemoryBoundTests
{
    /// <summary>The managed heap every command must fit in (its live objects; the 200 MiB is for the whole process).</summary>
    private const long HeapLimitBytes = 128L << 20;

    private static readonly LargeSr.Options Size = new(ImageBytes: 2560L << 30, RawLvs: 16_000, ChainDepth: 30, VirtualBytes: 2040L << 30);

    [Fact]
    public void Every_command_fits_its_heap_on_a_large_sr()
    {
        var dir = Fixtures.NewTempDir();
        try
        {
            var sr = LargeSr.Make(dir, Size);
            var files = Directory.CreateDirectory(Path.Combine(dir, "files")).FullName;
            var leafFile = sr.WriteChainFiles(files);
            var (qcow2Base, qcow2Child) = MakeQcow2(files);
            var capture = MakeCapture(sr.Image);
            var outDir = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
            string Out(string name) => Path.Combine(outDir, name);
            var leaf = sr.Leaf.ToString();
            var before = sr.RemovedAtSeqno - 1;
            string[][] commands =
            [
                ["scan", sr.Image, "--json"],
                ["list", sr.Image, "--json"],
                ["history", sr.Image, "--json"],
                ["doctor", sr.Image, "--json"],
                ["show-metadata", sr.Image, "--seqno", $"{sr.RemovedAtSeqno}", "--json"],
                ["diff", sr.Image, "--from", $"{before}", "--to", $"{sr.RemovedAtSeqno}", "--json"],
                ["restore-metadata", sr.Image, "--seqno", $"{before}", "-o", Out("restore.vg"), "--json"],
                ["export", sr.Image, "--lv", "VHD-" + leaf, "-o", Out("leaf.lv"), "--json"],
                ["export", sr.Image, "--vdi", leaf, "--format", "raw", "-o", Out("leaf.raw"), "--json"],
                ["export", sr.Image, "--vdi", leaf, "--format", "vhd", "-o", Out("leaf.vhd"), "--json"],
                ["export", sr.Image, "--vdi", sr.RemovedLeaf.ToString(), "-o", Out("removed.vhd"), "--json"],
                ["partitions", sr.Image, "--find", "--json"],
                ["vhd", "info", leafFile, "--json"],
                ["vhd", "check", leafFile, "--json"],
                ["vhd", "repair", leafFile, "-o", Out("repaired.vhd"), "--json"],
                ["vhd", "convert", leafFile, "--format", "raw", "-o", Out("convert.raw"), "--json"],
                ["vhd", "convert", leafFile, "--format", "vhd", "-o", Out("convert.vhd"), "--json"],
                ["qcow2", "info", qcow2Child, "--json"],
                ["qcow2", "check", qcow2Base, "--json"],
                ["qcow2", "convert", qcow2Child, "--format", "raw", "-o", Out("qcow2.raw"), "--json"],
                ["plan", "dom0", capture, "-o", Out("step2.sh"), "--json"],
                ["plan", "dom0", capture, "--all", "-o", Out("step3.sh"), "--json"],
            ];

            var failures = commands.Select(c => Run(c) is { } failure ? $"{string.Join(' ', c.Where(a => !a.StartsWith('/')))}: {failure}" : null)
                .OfType<string>().ToList();
            Assert.True(failures.Count == 0, $"over a managed heap of {HeapLimitBytes >> 20} MiB or failed:\n{string.Join('\n', failures)}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs the program with the heap limit; null when it ended with 0 or 1, else what went wrong.</summary>
    private static string? Run(string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "SrRescue.Cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("x", CultureInfo.InvariantCulture);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill();
            return "did not finish in 5 minutes";
        }

        var errors = stderr.Result;
        _ = stdout.Result;
        return p.ExitCode is 0 or 1 && !errors.Contains("OutOfMemory", StringComparison.Ordinal)
            ? null
            : $"exit {p.ExitCode}: {errors[..Math.Min(errors.Length, 600)]}";
    }

    /// <summary>A QCOW2 of 4 TiB with 4 KiB clusters (2^21 L1 entries) with data near both ends, and a child of it; qemu-img and qemu-io make them.</summary>
    private static (string Base, string Child) MakeQcow2(string dir)
    {
        var img = ExternalTool.Require("qemu-img", "qemu-utils");
        var io = ExternalTool.Require("qemu-io", "qemu-utils");
        var b = Path.Combine(dir, "base.qcow2");
        var child = Path.Combine(dir, "child.qcow2");
        ExternalTool.RunChecked(img, "create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", b, "4T");
        ExternalTool.RunChecked(io, "-f", "qcow2", "-c", "write -P 0x11 0 1M", "-c", "write -P 0x12 3T 1M", b);
        ExternalTool.RunChecked(img, "create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", "-b", "base.qcow2", "-F", "qcow2", child);
        ExternalTool.RunChecked(io, "-f", "qcow2", "-c", "write -P 0x21 2T 1M", child);
        return (b, child);
    }

    /// <summary>
    /// The image as a capture of plan dom0's step 1 (a file as long as the device with the head at
    /// its place): a manifest beside it naming its first 16 MiB and their SHA-256.
    /// </summary>
    private static string MakeCapture(string image)
    {
        const int head = 16 << 20;
        var bytes = new byte[head];
        using (var f = File.OpenRead(image))
        {
            f.ReadExactly(bytes);
        }

        File.WriteAllText(image + ".manifest", string.Create(CultureInfo.InvariantCulture,
            $"srrescue-capture 1\ndevice /dev/sdb\nsize {new FileInfo(image).Length}\nrange 0 {head} {Convert.ToHexStringLower(SHA256.HashData(bytes))} head\n"));
        return image;
    }
}
