namespace SrRescue.Tests.Support;

/// <summary>Compresses with the real zstd CLI, which the decoder's tests compare against.</summary>
internal static class ZstdCli
{
    public static string Path => ExternalTool.Require("zstd", "zstd");

    /// <summary>The frame zstd writes for <paramref name="data"/> given as a file (so its size is known).</summary>
    public static byte[] Compress(byte[] data, params string[] args)
    {
        var dir = Fixtures.NewTempDir();
        var input = System.IO.Path.Combine(dir, "in");
        var output = System.IO.Path.Combine(dir, "out.zst");
        File.WriteAllBytes(input, data);
        ExternalTool.RunChecked(Path, [.. args, "-q", "-f", input, "-o", output]);
        var frame = File.ReadAllBytes(output);
        Directory.Delete(dir, recursive: true);
        return frame;
    }

    /// <summary>The frame zstd writes for <paramref name="data"/> read from a pipe: no content size, a window descriptor.</summary>
    public static byte[] CompressStream(byte[] data, params string[] args)
    {
        var dir = Fixtures.NewTempDir();
        var input = System.IO.Path.Combine(dir, "in");
        var output = System.IO.Path.Combine(dir, "out.zst");
        File.WriteAllBytes(input, data);
        var r = ExternalTool.Run("sh", ["-c", $"cat '{input}' | '{Path}' -q -c {string.Join(' ', args)} > '{output}'"]);
        Assert.True(r.ExitCode == 0, r.All);
        var frame = File.ReadAllBytes(output);
        Directory.Delete(dir, recursive: true);
        return frame;
    }

    /// <summary>Each input compressed in one run of zstd (default level, checksum on).</summary>
    public static byte[][] CompressEach(IReadOnlyList<byte[]> inputs)
    {
        var dir = Fixtures.NewTempDir();
        var files = inputs.Select((d, i) =>
        {
            var f = System.IO.Path.Combine(dir, $"in{i}");
            File.WriteAllBytes(f, d);
            return f;
        }).ToList();
        ExternalTool.RunChecked(Path, ["-q", "-f", .. files]);
        var frames = files.Select(f => File.ReadAllBytes(f + ".zst")).ToArray();
        Directory.Delete(dir, recursive: true);
        return frames;
    }
}
