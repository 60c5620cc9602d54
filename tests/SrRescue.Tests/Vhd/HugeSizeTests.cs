using System.Buffers.Binary;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// Issue 15 item 1: a footer claiming a size no VHD has (2^63, 2^64-1; a 4.5 KiB fixed VHD
/// claiming 4 EiB) made convert crash sizing an 8 EiB file, or run on. Convert now stops at once
/// with the finding (exit 1, nothing written); repair puts a size that fits (the footer's
/// original size, or the file less its footer) and qemu-img reads the repaired copy as the disk
/// blktap wrote. Each run is bounded in time.
/// </summary>
public sealed class HugeSizeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(0x8000_0000_0000_0000UL, true)]
    [InlineData(0xFFFF_FFFF_FFFF_FFFFUL, true)]
    [InlineData(0xFFFF_FFFF_FFFF_FFFFUL, false)]
    public void A_dynamic_vhd_claiming_a_huge_size_is_stopped_and_repaired_to_its_real_size(ulong size, bool fixChecksum)
    {
        var dir = VhdFiles.Extract("vhd_damaged", "a-footer-c7.orig.vhd.gz");
        var path = Path.Combine(dir, "a-footer-c7.orig.vhd");
        var bytes = File.ReadAllBytes(path);
        foreach (var at in new[] { 0, bytes.Length - VhdFooter.Size })
        {
            SetSize(bytes.AsSpan(at, VhdFooter.Size), size, fixChecksum);
        }

        File.WriteAllBytes(path, bytes);
        var raw = Path.Combine(dir, "out.raw");
        var convert = Run("vhd", "convert", path, "-o", raw, "--format", "raw", "--json");
        Assert.True(convert.ExitCode == 1, convert.Out + convert.Err);
        Assert.False(File.Exists(raw));

        var repaired = Path.Combine(dir, "repaired.vhd");
        var repair = Run("vhd", "repair", path, "-o", repaired);
        Assert.True(repair.ExitCode is 0 or 1, repair.Out + repair.Err);
        Assert.Contains("current size", repair.Out);
        ExternalTool.RunChecked("qemu-img", "convert", "-f", "vpc", "-O", "raw", repaired, raw);
        Assert.Equal(Fixtures.Expected("vhd_damaged").GetProperty("files").GetProperty("a-footer-c7.vhd.gz").GetProperty("raw_sha256").GetString(),
            SrRescue.Tests.Cli.ExportWithQemuImgTests.Sha256(raw));
    }

    [Fact]
    public void A_small_fixed_vhd_claiming_4_eib_is_stopped_and_repaired_to_its_file()
    {
        var dir = Fixtures.NewTempDir();
        var path = Path.Combine(dir, "fixed.vhd");
        ExternalTool.RunChecked(ExternalTool.Require("qemu-img", "qemu-utils"), "create", "-q", "-f", "vpc", "-o", "subformat=fixed,force_size=on", path, "4K");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(4096 + 512, bytes.Length);
        bytes.AsSpan(0, 4096).Fill(0x5A);
        SetSize(bytes.AsSpan(4096, VhdFooter.Size), 4UL << 60, fixChecksum: true);
        File.WriteAllBytes(path, bytes);

        var raw = Path.Combine(dir, "out.raw");
        var convert = Run("vhd", "convert", path, "-o", raw, "--format", "raw");
        Assert.True(convert.ExitCode == 1, convert.Out + convert.Err);
        Assert.Contains("vhd.fixed.truncated", convert.Err);
        Assert.False(File.Exists(raw));

        var repaired = Path.Combine(dir, "repaired.vhd");
        var repair = Run("vhd", "repair", path, "-o", repaired);
        Assert.True(repair.ExitCode == 0, repair.Out + repair.Err);
        var info = ExternalTool.RunChecked("qemu-img", "info", "-f", "vpc", "--output=json", repaired);
        Assert.Contains("\"virtual-size\": 4096", info.StdOut);
    }

    private static void SetSize(Span<byte> footer, ulong size, bool fixChecksum)
    {
        BinaryPrimitives.WriteUInt64BigEndian(footer[VhdFooter.Off.CurrentSize..], size);
        if (!fixChecksum)
        {
            return;
        }

        BinaryPrimitives.WriteUInt32BigEndian(footer[VhdFooter.Off.Checksum..], 0);
        uint sum = 0;
        foreach (var b in footer)
        {
            sum += b;
        }

        BinaryPrimitives.WriteUInt32BigEndian(footer[VhdFooter.Off.Checksum..], ~sum);
    }

    private static Support.Cli.Result Run(params string[] args)
    {
        var task = Task.Run(() => Support.Cli.Run(args));
        Assert.True(task.Wait(Bound), $"srrescue {string.Join(' ', args)} did not finish in {Bound.TotalSeconds} s");
        return task.Result;
    }
}
