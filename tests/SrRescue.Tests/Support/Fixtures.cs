using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;

namespace SrRescue.Tests.Support;

/// <summary>
/// The shared fixtures copied into tests/fixtures (gzip-compressed images made by the real tools,
/// with expected.json). Images are decompressed once per test run into a private temp folder.
/// </summary>
internal static class Fixtures
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Extracted = new();
    private const string WorkDirPrefix = "srrescue-tests-";

    private static readonly Lazy<string> WorkDir = new(() =>
    {
        // The test host may be killed without running exit handlers, so each run also removes
        // the folders of earlier runs whose process is gone.
        RemoveLeftovers();
        var dir = Path.Combine(Path.GetTempPath(), $"{WorkDirPrefix}{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(dir);
        return dir;
    });

    private static void RemoveLeftovers()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), WorkDirPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(dir)[WorkDirPrefix.Length..], out var pid) && !IsRunning(pid))
            {
                TryDelete(dir);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string PathOf(string scenario, string file) => Path.Combine(Root, scenario, file);

    /// <summary>A private scratch directory for one test.</summary>
    public static string NewTempDir()
    {
        var dir = Path.Combine(WorkDir.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The decompressed image (shared, read-only by convention: never write to it).</summary>
    public static string Image(string scenario, string imageName = "disk.img")
    {
        var key = scenario + "/" + imageName;
        return Extracted.GetOrAdd(key, _ => new Lazy<string>(() =>
        {
            var dir = Path.Combine(WorkDir.Value, "images", scenario);
            Directory.CreateDirectory(dir);
            var target = Path.Combine(dir, imageName);
            var tmp = target + ".part";
            using (var input = new GZipStream(File.OpenRead(PathOf(scenario, imageName + ".gz")), CompressionMode.Decompress))
            using (var output = File.Create(tmp))
            {
                CopySparse(input, output);
            }

            File.Move(tmp, target);
            return target;
        })).Value;
    }

    /// <summary>A private writable copy of an image, for tests that let real tools write to it.</summary>
    public static string CopyOfImage(string scenario, string imageName = "disk.img")
    {
        var source = Image(scenario, imageName);
        var target = Path.Combine(NewTempDir(), imageName);
        using var input = File.OpenRead(source);
        using var output = File.Create(target);
        CopySparse(input, output);
        return target;
    }

    public static JsonElement Expected(string scenario)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf(scenario, "expected.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>Copies keeping all-zero 1 MiB blocks as holes, so 512 MiB images stay small on disk.</summary>
    private static void CopySparse(Stream input, FileStream output)
    {
        var buffer = new byte[1 << 20];
        long length = 0;
        while (true)
        {
            var n = input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (n == 0)
            {
                break;
            }

            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                output.Position = length;
                output.Write(buffer, 0, n);
            }

            length += n;
        }

        output.SetLength(length);
    }
}
