using System.Security.Cryptography;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Acceptance: `export --lv VHD-&lt;lost uuid&gt;` writes the removed LV's bytes; qemu-img reads
/// them as a VHD (`convert -f vpc -O raw`) and the result has the fixture's raw_sha256, which
/// blktap's libvhd computed when the disk was made.
/// </summary>
public sealed class ExportWithQemuImgTests
{
    [Theory]
    [InlineData("lost_vdi", new[] { "disk.img" })]
    [InlineData("ring_wrapped", new[] { "disk.img" })]
    [InlineData("multi_pv", new[] { "disk0.img", "disk1.img" })]
    public void Exported_lost_lv_converts_to_the_original_raw_disk(string scenario, string[] images)
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var expected = Fixtures.Expected(scenario);
        var lostUuid = expected.GetProperty("lost")[0].GetString()!;
        var vdi = expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == lostUuid);
        Assert.True(vdi.GetProperty("parent").ValueKind == System.Text.Json.JsonValueKind.Null, "this test covers non-differencing VDIs");
        var dir = Fixtures.NewTempDir();
        var lvFile = Path.Combine(dir, "lost.vhd");
        var paths = images.Select(i => Fixtures.Image(scenario, i)).ToArray();

        var r = Support.Cli.Run(["export", .. paths, "--lv", "VHD-" + lostUuid, "-o", lvFile, "--json"]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var json = r.Json();
        Assert.False(json.GetProperty("in_newest_metadata").GetBoolean());
        Assert.Equal(vdi.GetProperty("lv_size").GetInt64(), new FileInfo(lvFile).Length);

        var raw = Path.Combine(dir, "lost.raw");
        ExternalTool.RunChecked(qemu, "convert", "-f", "vpc", "-O", "raw", lvFile, raw);
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), new FileInfo(raw).Length);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), Sha256(raw));
    }

    internal static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
