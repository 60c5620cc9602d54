using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Qcow2;

/// <summary>qemu-img and qemu-io on qcow2 images, and our own reading of them.</summary>
internal static class QemuQcow2
{
    public const long Mi = 1 << 20;

    public static string Img => ExternalTool.Require("qemu-img", "qemu-utils");

    public static string Io => ExternalTool.Require("qemu-io", "qemu-utils");

    /// <summary>
    /// A raw disk of <paramref name="sizeBytes"/> with what a guest leaves: random data, text that
    /// compresses, zero runs, writes that start and end inside clusters, data at the very end.
    /// </summary>
    public static string MakeRaw(string dir, long sizeBytes, int seed = 7)
    {
        Assert.True(sizeBytes >= 16 * Mi, "the writes below reach 12 MiB + 70 KB");
        var raw = Path.Combine(dir, "guest.raw");
        var rng = new Random(seed);
        using var f = new FileStream(raw, FileMode.CreateNew, FileAccess.Write);
        f.SetLength(sizeBytes);
        void Put(long at, byte[] bytes)
        {
            f.Position = at;
            f.Write(bytes);
        }

        byte[] Random(int n)
        {
            var b = new byte[n];
            rng.NextBytes(b);
            return b;
        }

        var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i % 977} of a guest's log file\n")));
        Put(0, Random((int)Mi));
        Put(3 * Mi, text[..(int)Math.Min(text.Length, 2 * Mi)]);
        Put((9 * Mi) + 512, Random(4096));
        Put((12 * Mi) + 100, Random(70_000));
        Put(sizeBytes - (256 * 1024), Random(256 * 1024));
        return raw;
    }

    /// <summary>qemu-img convert -O raw: the bytes qemu reads.</summary>
    public static string ToRaw(string qcow2)
    {
        var raw = qcow2 + ".qemu.raw";
        ExternalTool.RunChecked(Img, "convert", "-O", "raw", qcow2, raw);
        return raw;
    }

    /// <summary>qemu-io commands on an image ("write -P 0xab 1M 64k", "write -z 0 1M", "discard 0 64k").</summary>
    public static void IoCommands(string qcow2, params string[] commands)
    {
        var args = new List<string> { "-f", "qcow2" };
        foreach (var c in commands)
        {
            args.Add("-c");
            args.Add(c);
        }

        args.Add(qcow2);
        var r = ExternalTool.Run(Io, args);
        Assert.True(r.ExitCode == 0 && !r.All.Contains("error", StringComparison.OrdinalIgnoreCase), r.All);
    }

    /// <summary>SHA-256 of a file (QemuVpc's, for qcow2 tests too).</summary>
    public static string Sha256File(string path) => Vhd.QemuVpc.Sha256File(path);

    /// <summary>Our reading of a qcow2 file through its backing files beside it.</summary>
    public static (string Sha256, Qcow2Chain Chain, FindingLog Log) OurRead(string qcow2)
    {
        var log = new FindingLog();
        using var f = FileSource.Open(qcow2);
        using var resolver = new FileBackingResolver(Path.GetDirectoryName(qcow2)!);
        var chain = Qcow2Chain.Open(f, qcow2, resolver, log);
        return (VhdFiles.Sha256(chain.Disk), chain, log);
    }
}
