using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

public sealed class ExitCodeTests
{
    [Fact]
    public void Missing_source_is_a_usage_error()
    {
        var r = Support.Cli.Run("history");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("SOURCE", r.Err);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error() => Assert.Equal(2, Support.Cli.Run("frobnicate").ExitCode);

    [Fact]
    public void Unreadable_source_is_an_io_error()
    {
        var r = Support.Cli.Run("scan", "/nonexistent/disk.img");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("/nonexistent/disk.img", r.Err);
    }

    [Fact]
    public void Unknown_seqno_names_the_seqnos_that_exist()
    {
        var r = Support.Cli.Run("show-metadata", Fixtures.Image("lost_vdi"), "--seqno", "999");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("seqnos found: 1-27", r.Err);
    }

    [Fact]
    public void A_disk_without_lvm_reports_no_metadata_and_exit_1()
    {
        var blank = Path.Combine(Fixtures.NewTempDir(), "blank.img");
        using (var f = File.Create(blank))
        {
            f.SetLength(16 << 20);
        }

        var r = Support.Cli.Run("scan", blank, "--json");
        Assert.Equal(1, r.ExitCode);
        var codes = r.Json().GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Contains("lvm.label.missing", codes);
        Assert.Contains("lvm.no-metadata", codes);
    }
}
