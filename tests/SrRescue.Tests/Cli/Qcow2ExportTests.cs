using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Acceptance (QCOW2 SR): every VDI of qcow2_sr, present or deleted, leaf, snapshot, base copy,
/// split LV, VHD and raw, exported with its chain coalesced, has the hash qemu-img convert gave
/// its chain when the fixture was made; as a raw disk and as a VHD (read back by qemu-img and by
/// our reader).
/// </summary>
public sealed class Qcow2ExportTests
{
    private const string Scenario = "qcow2_sr";

    public static TheoryData<string> Vdis() => [.. Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()!)];

    public static TheoryData<string> ImageVdis() => [.. Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray()
        .Where(v => v.GetProperty("kind").GetString() != "raw").Select(v => v.GetProperty("uuid").GetString()!)];

    private static System.Text.Json.JsonElement Vdi(string uuid) =>
        Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == uuid);

    [Theory]
    [MemberData(nameof(Vdis))]
    public void Raw_export_has_the_qemu_img_hash(string uuid)
    {
        var vdi = Vdi(uuid);
        var output = Path.Combine(Fixtures.NewTempDir(), "disk.raw");
        var r = Support.Cli.Run("export", Fixtures.Image(Scenario), "--vdi", uuid, "--format", "raw", "-o", output, "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var json = r.Json();
        Assert.Equal(vdi.GetProperty("deleted").GetBoolean(), !json.GetProperty("in_newest_metadata").GetBoolean());
        var vdis = Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        var chain = new List<string> { vdi.GetProperty("lv").GetString()! };
        for (var p = vdi; p.GetProperty("parent").GetString() is { } parent; p = vdis[parent])
        {
            chain.Add(vdis[parent].GetProperty("lv").GetString()!);
        }

        Assert.Equal(chain, json.GetProperty("chain").EnumerateArray().Select(c => c.GetProperty("lv").GetString()!));
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), new FileInfo(output).Length);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(output));
    }

    [Theory]
    [MemberData(nameof(ImageVdis))]
    public void A_vdi_goes_out_as_a_vhd_that_qemu_img_and_our_reader_read_back(string uuid)
    {
        var vdi = Vdi(uuid);
        var dir = Fixtures.NewTempDir();
        var output = Path.Combine(dir, "disk.vhd");
        var r = Support.Cli.Run("export", Fixtures.Image(Scenario), "--vdi", uuid, "-o", output, "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal("vhd", r.Json().GetProperty("format").GetString());
        var raw = Path.Combine(dir, "disk.raw");
        ExternalTool.RunChecked(ExternalTool.Require("qemu-img", "qemu-utils"), "convert", "-f", "vpc", "-O", "raw", output, raw);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));
        using var file = FileSource.Open(output);
        var image = VhdImage.Open(file, new FindingLog());
        Assert.False(image.IsHidden);
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), image.VirtualSizeBytes);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), VhdFiles.Sha256(new VhdVirtualDisk(image, null)));
    }

    [Fact]
    public void The_deleted_vdi_exports_through_the_copy_before_its_removal_and_not_through_the_newest()
    {
        var expected = Fixtures.Expected(Scenario);
        var uuid = expected.GetProperty("lost")[0].GetString()!;
        var removedIn = expected.GetProperty("lost_removed_in_seqno").GetInt64();
        var dir = Fixtures.NewTempDir();
        var output = Path.Combine(dir, "lost.raw");
        var before = (removedIn - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var r = Support.Cli.Run("export", Fixtures.Image(Scenario), "--vdi", uuid, "--seqno", before, "--format", "raw", "-o", output, "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal(removedIn - 1, r.Json().GetProperty("seqno").GetInt64());
        Assert.Equal(Vdi(uuid).GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(output));

        var refused = Support.Cli.Run("export", Fixtures.Image(Scenario), "--vdi", uuid, "--seqno", removedIn.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", Path.Combine(dir, "none.vhd"));
        Assert.Equal(2, refused.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "none.vhd")));
    }

    [Fact]
    public void Export_lv_writes_the_qcow2_image_as_stored_and_qemu_reads_its_header()
    {
        var vdi = Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().First(v => v.GetProperty("qcow2").GetProperty("backing_file").GetString() is not null);
        var output = Path.Combine(Fixtures.NewTempDir(), "lv.qcow2");
        var r = Support.Cli.Run("export", Fixtures.Image(Scenario), "--lv", vdi.GetProperty("lv").GetString()!, "-o", output, "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal("lv", r.Json().GetProperty("format").GetString());
        Assert.Equal(vdi.GetProperty("lv_size").GetInt64(), new FileInfo(output).Length);
        var info = ExternalTool.RunChecked(ExternalTool.Require("qemu-img", "qemu-utils"), "info", "-U", "--output=json", output);
        using var doc = System.Text.Json.JsonDocument.Parse(info.StdOut);
        Assert.Equal(vdi.GetProperty("qcow2").GetProperty("backing_file").GetString(), doc.RootElement.GetProperty("backing-filename").GetString());
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), doc.RootElement.GetProperty("virtual-size").GetInt64());
        using var source = FileSource.Open(output);
        Assert.Equal(vdi.GetProperty("qcow2").GetProperty("vate_hidden").GetBoolean(), Qcow2Image.Open(source, new FindingLog()).IsHidden);
    }

    [Fact]
    public void A_raw_vdi_is_not_written_as_a_vhd()
    {
        var raw = Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("kind").GetString() == "raw");
        var output = Path.Combine(Fixtures.NewTempDir(), "raw.vhd");
        var r = Support.Cli.Run("export", Fixtures.Image(Scenario), "--vdi", raw.GetProperty("uuid").GetString()!, "--format", "vhd", "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--format raw", r.Err);
    }
}
