using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Fuzz;

/// <summary>
/// The deterministic mutation harness (issue 10, "a fuzzer that keeps it so"): damaged copies of
/// images made by lvm2 and blktap, each read by one command that reads a source. Every case must
/// end with an exit code of the contract (0-3) and no other exception, print one JSON document
/// when --json was asked (also when the command stops on an error), finish within a time bound,
/// stay within a memory bound (the runtime's own figures), and leave its source byte-identical.
/// CI runs <see cref="DefaultCases"/> cases of seed 1; tests/fuzz/run.sh runs more
/// (SRRESCUE_FUZZ_SEED, SRRESCUE_FUZZ_CASES, SRRESCUE_FUZZ_FIRST replay one case; SRRESCUE_FUZZ_BASES picks images by name).
/// It runs alone, after the other tests: the heap and the peak resident size are the process's,
/// and a test beside it that holds 1.5 GB of its own made cases fail that had done nothing wrong.
/// </summary>
[Collection(nameof(MutationFuzzTests))]
public sealed class MutationFuzzTests
{
    public const int DefaultCases = 240;

    private static readonly Lazy<FuzzBase[]> AllBases = new(FuzzBase.All);

    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Managed heap after a case; the commands stream their data, so a case holding more is a leak or an allocation sized from disk.</summary>
    private const long HeapBoundBytes = 1L << 30;

    /// <summary>How much one case may raise the test process's peak resident memory (other tests run beside it).</summary>
    private const long PeakGrowthBoundBytes = 1L << 30;

    private static long PeakResidentBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    public static TheoryData<int> Batches
    {
        get
        {
            var data = new TheoryData<int>();
            for (var b = 0; b < Batches_; b++)
            {
                data.Add(b);
            }

            return data;
        }
    }

    private const int Batches_ = 4;

    [Theory]
    [MemberData(nameof(Batches))]
    public void Damaged_inputs_get_findings_never_a_crash_a_hang_or_a_changed_source(int batch)
    {
        var seed = EnvInt("SRRESCUE_FUZZ_SEED", 1);
        var cases = EnvInt("SRRESCUE_FUZZ_CASES", DefaultCases);
        var first = EnvInt("SRRESCUE_FUZZ_FIRST", 0);
        // SRRESCUE_FUZZ_BASES=qcow2 damages only the images whose name holds that word (a new format's long run).
        var only = Environment.GetEnvironmentVariable("SRRESCUE_FUZZ_BASES");
        var bases = string.IsNullOrEmpty(only) ? AllBases.Value : [.. AllBases.Value.Where(b => b.Name.Contains(only, StringComparison.Ordinal))];
        var failures = new List<string>();
        for (var n = first + batch; n < first + cases; n += Batches_)
        {
            var c = MutationCase.Make(seed, n, bases);
            var failure = Run(c, new Random(HashCode.Combine(seed, n, "command") & int.MaxValue));
            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <returns>Null when the case holds, else what went wrong with its id (replay: SRRESCUE_FUZZ_FIRST=N SRRESCUE_FUZZ_CASES=1).</returns>
    private static string? Run(MutationCase c, Random random)
    {
        var dir = Fixtures.NewTempDir();
        var src = Path.Combine(dir, "source" + Path.GetExtension(c.Base.Path));
        c.WriteTo(src);
        var before = Fingerprint(src, c.Offset);
        var src2 = Path.Combine(dir, "source2" + Path.GetExtension(c.Base.Second ?? ""));
        if (c.Base.Second is { } second)
        {
            Support.ExternalTool.RunChecked("cp", "--sparse=always", second, src2);
        }

        var before2 = c.Base.Second is null ? null : Fingerprint(src2, 0);
        var command = c.Base.Commands[random.Next(c.Base.Commands.Count)];
        var args = command.Select(a => a.Replace("{src}", src, StringComparison.Ordinal).Replace("{src2}", src2, StringComparison.Ordinal)
            .Replace("{backup}", c.Base.BackupFolder ?? "", StringComparison.Ordinal).Replace("{out}", Path.Combine(dir, "out"), StringComparison.Ordinal)).ToArray();
        var what = $"[{c.Id}; srrescue {string.Join(' ', command)}]";
        var peakBefore = PeakResidentBytes();
        var clock = Stopwatch.StartNew();
        var task = Task.Run(() => Support.Cli.Run(args));
        try
        {
            if (!task.Wait(CaseTimeout))
            {
                return $"{what} did not finish in {CaseTimeout.TotalSeconds} s";
            }
        }
        catch (AggregateException e)
        {
            return $"{what} threw {e.InnerException}";
        }

        var r = task.Result;
        if (r.ExitCode is < 0 or > 3)
        {
            return $"{what} exit {r.ExitCode}";
        }

        if (args.Contains("--json"))
        {
            try
            {
                using var doc = JsonDocument.Parse(r.Out);
                if (!doc.RootElement.TryGetProperty("schema", out _))
                {
                    return $"{what} JSON without schema";
                }
            }
            catch (JsonException e)
            {
                return $"{what} exit {r.ExitCode} but stdout is not one JSON document: {e.Message}";
            }
        }

        // The process's peak resident size (the kernel's figure, via the runtime): a case that
        // sized an allocation from disk pushes it past the bound even when the heap is freed again.
        var peakAfter = PeakResidentBytes();
        if (peakAfter - peakBefore > PeakGrowthBoundBytes)
        {
            return $"{what} raised the test process's peak resident memory by {(peakAfter - peakBefore) >> 20} MiB to {peakAfter >> 20} MiB (bound {PeakGrowthBoundBytes >> 20} MiB)";
        }

        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        if (heap > HeapBoundBytes)
        {
            GC.Collect();
            heap = GC.GetTotalMemory(forceFullCollection: true);
            if (heap > HeapBoundBytes)
            {
                return $"{what} left a managed heap of {heap} bytes";
            }
        }

        if (!before.SequenceEqual(Fingerprint(src, c.Offset)) || (before2 is not null && !before2.SequenceEqual(Fingerprint(src2, 0))))
        {
            return $"{what} changed its source";
        }

        TryDelete(dir);
        return null;
    }

    /// <summary>SHA-256 of the structures' region, the damaged window and the tail, with length and mtime: what a command could have written to.</summary>
    private static byte[] Fingerprint(string path, long damagedAt)
    {
        using var f = File.OpenRead(path);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var (start, length) in new[] { (0L, 24L << 20), (damagedAt - (1 << 20), 2L << 20), (f.Length - (1 << 20), 1L << 20) })
        {
            f.Position = Math.Clamp(start, 0, f.Length);
            for (var left = length; left > 0;)
            {
                var n = f.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                {
                    break;
                }

                sha.AppendData(buffer, 0, n);
                left -= n;
            }
        }

        sha.AppendData(BitConverter.GetBytes(f.Length));
        sha.AppendData(BitConverter.GetBytes(File.GetLastWriteTimeUtc(path).Ticks));
        return sha.GetHashAndReset();
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
