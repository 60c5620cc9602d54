using SrRescue.Tests.Support;
using SrRescue.Tests.Vhd;

namespace SrRescue.Tests.Cli;

/// <summary>
/// A VHD LV copied out whole (`export --format lv`, the dom0 scripts) is as long as the LV, so its
/// footer follows the VHD's data instead of ending the file. Named after its LV, the copy is read
/// by the LV's footer rules and converts cleanly; under any other name it is read as a plain file,
/// where a footer that does not end the file is damage.
/// </summary>
public sealed class LvCopyFooterTests
{
    private const string Lv = "VHD-e5d4a7f6-8d92-40a1-bc23-4d5e6f708192";

    [Fact]
    public void A_copy_named_after_its_lv_converts_cleanly_and_another_name_shows_the_missing_footer()
    {
        var vdi = Fixtures.Expected("qcow2_sr").GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("lv").GetString() == Lv);
        var dir = Fixtures.NewTempDir();
        var copy = Path.Combine(dir, Lv);
        Assert.Equal(0, Support.Cli.Run("export", Fixtures.Image("qcow2_sr"), "--lv", Lv, "--format", "lv", "-o", copy).ExitCode);

        var raw = Path.Combine(dir, "disk.raw");
        var named = Support.Cli.Run("vhd", "convert", copy, "-o", raw, "--format", "raw", "--json");
        Assert.True(named.ExitCode == 0, named.Out + named.Err);
        Assert.Contains(named.Json().GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "vhd.footer.at-end-of-data");
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), QemuVpc.Sha256File(raw, vdi.GetProperty("virtual_size").GetInt64()));

        var renamed = Path.Combine(dir, "disk.vhd");
        File.Copy(copy, renamed);
        var plain = Support.Cli.Run("vhd", "info", renamed, "--json");
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains(plain.Json().GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "vhd.footer.cookie");
    }
}
