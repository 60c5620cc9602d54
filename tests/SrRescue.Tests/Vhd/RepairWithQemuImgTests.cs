using System.Security.Cryptography;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// The repaired files against a tool that is not ours: qemu-img opens them and reads the original
/// raw content out of them (for dynamic disks qemu ignores the bitmaps, and blktap zero-fills, so
/// the raw content must match). qemu 7.2 has no consistency check for vpc ("This image format does
/// not support checks"); where it has one, it must pass.
/// </summary>
public sealed class RepairWithQemuImgTests
{
    [Theory]
    [InlineData("a-footer-c7.vhd")]
    [InlineData("b-header-checksum.vhd")]
    [InlineData("d-batmap-checksum.vhd")]
    [InlineData("e-backup-footer-zeroed.vhd")]
    public void Qemu_reads_the_original_content_from_the_repaired_file(string name)
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var repaired = DamagedRepairTests.Repair(name).Path;

        var check = ExternalTool.Run(qemu, ["check", "-f", "vpc", repaired]);
        Assert.True(check.ExitCode == 0 || check.All.Contains("does not support checks", StringComparison.Ordinal), $"qemu-img check: {check.All}");

        var info = ExternalTool.Run(qemu, ["info", "-f", "vpc", repaired]);
        Assert.True(info.ExitCode == 0, $"qemu-img info refuses the repaired file: {info.All}");

        var raw = repaired + ".raw";
        ExternalTool.RunChecked(qemu, "convert", "-f", "vpc", "-O", "raw", repaired, raw);
        try
        {
            using var stream = File.OpenRead(raw);
            Assert.Equal(DamagedVhds.Case(name + ".gz").GetProperty("raw_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
        finally
        {
            File.Delete(raw);
            File.Delete(repaired);
        }
    }
}
