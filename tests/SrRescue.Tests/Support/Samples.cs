using System.IO.Compression;

namespace SrRescue.Tests.Support;

/// <summary>The real lvm2 artifacts of shared/docs/formats/lvm-samples, copied into tests/fixtures/lvm-samples.</summary>
internal static class Samples
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "lvm-samples", name);

    public static byte[] Bytes(string name)
    {
        var path = PathOf(name);
        if (!name.EndsWith(".gz", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(path);
        }

        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    public static string Text(string name) => System.Text.Encoding.UTF8.GetString(Bytes(name));
}
