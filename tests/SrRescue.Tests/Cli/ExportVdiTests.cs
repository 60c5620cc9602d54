using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Acceptance (VHD layer): every VDI of lost_vdi, snapshot_chain and multi_pv, present or removed,
/// leaf or snapshot or base copy, exported with its chain coalesced, has the raw_sha256 that
/// blktap's libvhd computed when the fixture was made.
/// </summary>
public sealed class ExportVdiTests
{
    public static TheoryData<string, string> Vdis()
    {
        var data = new TheoryData<string, string>();
        foreach (var scenario in new[] { "lost_vdi", "snapshot_chain", "multi_pv" })
        {
            foreach (var vdi in Fixtures.Expected(scenario).GetProperty("vdis").EnumerateArray())
            {
                data.Add(scenario, vdi.GetProperty("uuid").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vdis))]
    public void Raw_export_has_the_libvhd_hash(string scenario, string uuid)
    {
        var (paths, vdi) = Setup(scenario, uuid);
        var output = Path.Combine(Fixtures.NewTempDir(), "disk.raw");
        var r = Support.Cli.Run(["export", .. paths, "--vdi", uuid, "--format", "raw", "-o", output, "--json"]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var json = r.Json();
        Assert.Equal(vdi.GetProperty("deleted").GetBoolean(), !json.GetProperty("in_newest_metadata").GetBoolean());
        var depth = 1;
        var vdis = Fixtures.Expected(scenario).GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        for (var p = vdi; p.GetProperty("parent").GetString() is { } parent; p = vdis[parent])
        {
            depth++;
        }

        Assert.Equal(depth, json.GetProperty("chain").GetArrayLength());
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), new FileInfo(output).Length);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(output));
    }

    [Theory]
    [MemberData(nameof(Vdis))]
    public void Vhd_export_reads_back_in_qemu_img_with_the_libvhd_hash(string scenario, string uuid)
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var (paths, vdi) = Setup(scenario, uuid);
        var dir = Fixtures.NewTempDir();
        var output = Path.Combine(dir, "disk.vhd");
        var r = Support.Cli.Run(["export", .. paths, "--vdi", uuid, "-o", output]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var raw = Path.Combine(dir, "disk.raw");
        ExternalTool.RunChecked(qemu, "convert", "-f", "vpc", "-O", "raw", output, raw);
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), new FileInfo(raw).Length);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));
    }

    private static (string[] Paths, System.Text.Json.JsonElement Vdi) Setup(string scenario, string uuid)
    {
        var expected = Fixtures.Expected(scenario);
        var paths = expected.GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!)).ToArray();
        var vdi = expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == uuid);
        return (paths, vdi);
    }
}
