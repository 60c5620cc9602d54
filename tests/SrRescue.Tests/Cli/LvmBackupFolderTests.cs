using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// --lvm-backup DIR: a vgcfgbackup file as a further metadata copy. On mda_wiped_with_backup the
/// label and the whole metadata area are zeroed, so the backup is the only metadata left.
/// </summary>
public sealed class LvmBackupFolderTests
{
    [Fact]
    public void Without_the_backup_nothing_is_found_and_with_it_the_vg_is_back()
    {
        var image = Fixtures.Image("mda_wiped_with_backup");
        var backup = Path.Combine(Fixtures.Root, "mda_wiped_with_backup", "lvm-backup");
        var expected = Fixtures.Expected("mda_wiped_with_backup");

        var bare = Support.Cli.Run("history", image, "--json");
        Assert.Equal(1, bare.ExitCode);
        Assert.Empty(bare.Json().GetProperty("vgs").EnumerateArray());

        var json = Support.Cli.Json("history", image, "--lvm-backup", backup);
        var vg = Assert.Single(json.GetProperty("vgs").EnumerateArray());
        Assert.Equal(expected.GetProperty("vg").GetString(), vg.GetProperty("name").GetString());
        var version = Assert.Single(vg.GetProperty("versions").EnumerateArray());
        Assert.Equal(expected.GetProperty("backup_seqno").GetInt64(), version.GetProperty("seqno").GetInt64());
        Assert.Equal("backup_file", version.GetProperty("copies")[0].GetProperty("origin").GetString());
    }

    [Fact]
    public void Export_reads_a_vdi_through_the_backup_onto_the_unlabeled_pv()
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var image = Fixtures.Image("mda_wiped_with_backup");
        var backup = Path.Combine(Fixtures.Root, "mda_wiped_with_backup", "lvm-backup");
        var vdi = Fixtures.Expected("mda_wiped_with_backup").GetProperty("vdis")[0];
        var dir = Fixtures.NewTempDir();
        var lv = Path.Combine(dir, "vdi.vhd");
        var r = Support.Cli.Run("export", image, "--lvm-backup", backup, "--lv", vdi.GetProperty("lv").GetString()!, "-o", lv, "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains(r.Json().GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "lvm.pv.bound-without-label");
        var raw = Path.Combine(dir, "vdi.raw");
        ExternalTool.RunChecked(qemu, "convert", "-f", "vpc", "-O", "raw", lv, raw);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));
    }
}
