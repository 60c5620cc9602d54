using System.IO.Compression;
using System.Security.Cryptography;
using SrRescue.Io;

namespace SrRescue.Tests.Support;

/// <summary>The fixtures' standalone VHD files, decompressed into a private folder per call.</summary>
internal static class VhdFiles
{
    /// <summary>Decompresses the named .gz files of a scenario into a new folder; returns it.</summary>
    public static string Extract(string scenario, params string[] gzFiles)
    {
        var dir = Fixtures.NewTempDir();
        foreach (var gz in gzFiles)
        {
            using var input = new GZipStream(File.OpenRead(Fixtures.PathOf(scenario, gz)), CompressionMode.Decompress);
            using var output = File.Create(Path.Combine(dir, gz[..^3]));
            input.CopyTo(output);
        }

        return dir;
    }

    public static string Sha256(IByteSource source)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[4 << 20];
        for (long pos = 0; pos < source.Length; pos += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, source.Length - pos);
            var got = source.ReadFullyAt(pos, buffer.AsSpan(0, n));
            Assert.Equal(n, got);
            sha.AppendData(buffer, 0, n);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
