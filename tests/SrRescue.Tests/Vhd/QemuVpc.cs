using System.Security.Cryptography;
using System.Text.Json;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>qemu-img / qemu-io / vhdiinfo on vpc images, and our own reading of a VHD file.</summary>
internal static class QemuVpc
{
    public static string Img => ExternalTool.Require("qemu-img", "qemu-utils");

    public static string Io => ExternalTool.Require("qemu-io", "qemu-utils");

    /// <summary>qemu-img convert -f vpc -O raw; returns the raw file.</summary>
    public static string ToRaw(string vhd)
    {
        var raw = vhd + ".qemu.raw";
        ExternalTool.RunChecked(Img, "convert", "-f", "vpc", "-O", "raw", vhd, raw);
        return raw;
    }

    /// <summary>The size qemu gives the image (CHS or current size depending on the creator, vhd.md 5.3).</summary>
    public static long VirtualSize(string vhd)
    {
        var r = ExternalTool.RunChecked(Img, "info", "-f", "vpc", "--output=json", vhd);
        using var doc = JsonDocument.Parse(r.StdOut);
        return doc.RootElement.GetProperty("virtual-size").GetInt64();
    }

    /// <summary>qemu-io writes: each (offset, length, pattern byte).</summary>
    public static void Write(string vhd, params (long Offset, long Length, byte Pattern)[] writes)
    {
        var args = new List<string> { "-f", "vpc" };
        foreach (var (offset, length, pattern) in writes)
        {
            args.Add("-c");
            args.Add($"write -P 0x{pattern:x2} {offset} {length}");
        }

        args.Add(vhd);
        var r = ExternalTool.Run(Io, args);
        Assert.True(r.ExitCode == 0 && !r.All.Contains("error", StringComparison.OrdinalIgnoreCase), r.All);
    }

    /// <summary>vhdiinfo's "Media size : ... (N bytes)".</summary>
    public static long VhdiinfoMediaSize(string vhd)
    {
        var tool = ExternalTool.Require("vhdiinfo", "libvhdi-utils");
        var r = ExternalTool.RunChecked(tool, vhd);
        var line = r.StdOut.Split('\n').Single(l => l.Contains("Media size", StringComparison.Ordinal));
        var open = line.LastIndexOf('(');
        return long.Parse(line[(open + 1)..line.IndexOf(" bytes", open, StringComparison.Ordinal)]);
    }

    public static string Sha256File(string path, long? length = null)
    {
        using var f = FileSource.Open(path);
        return VhdFiles.Sha256(length is { } n ? new SubRangeSource(f, 0, n) : f);
    }

    /// <summary>Our reading of a stand-alone VHD file: hash, size and the findings.</summary>
    public static (string Sha256, long SizeBytes, FindingLog Log) OurRead(string vhd, long? length = null)
    {
        var log = new FindingLog();
        using var f = FileSource.Open(vhd);
        var image = VhdImage.Open(f, log);
        var disk = new VhdVirtualDisk(image, null);
        return (VhdFiles.Sha256(length is { } n ? new SubRangeSource(disk, 0, n) : disk), disk.Length, log);
    }

    /// <summary>SHA-256 of <paramref name="length"/> bytes of a pattern: (offset, length, byte) runs over zeros.</summary>
    public static string PatternSha256(long length, params (long Offset, long Length, byte Pattern)[] writes)
    {
        var bytes = Pattern(length, writes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    public static byte[] Pattern(long length, params (long Offset, long Length, byte Pattern)[] writes)
    {
        var bytes = new byte[length];
        foreach (var (offset, len, pattern) in writes)
        {
            bytes.AsSpan((int)offset, (int)len).Fill(pattern);
        }

        return bytes;
    }
}
