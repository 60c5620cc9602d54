using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// Item 1 of issue 10 (export part): a copy of lost_vdi cut with `truncate -s 110M` ends inside
/// VHD-111bf5ec's last segment (PEs 23-26, bytes 108003328-124780543). lvm2 on a loop device says
/// the device is "smaller than corresponding PV size"; export --lv used to write zeros there with
/// exit 0. Now the missing bytes are a source.truncated finding and an unmapped range, exit 1.
/// </summary>
public sealed class TruncatedSourceTests
{
    private const string Lv = "VHD-111bf5ec-a052-4dfe-a497-6511f25c8de3";

    [Fact]
    public void Export_of_an_lv_past_the_end_of_a_truncated_image_exits_1_and_names_the_missing_bytes()
    {
        var image = Fixtures.CopyOfImage("lost_vdi");
        ExternalTool.RunChecked(ExternalTool.Require("truncate", "coreutils"), "-s", "110M", image);

        using (var loop = LoopDevice.Attach(image, readOnly: true))
        {
            var pvs = Lvm2.Run("pvs", [loop.Path]);
            Assert.Contains("smaller than corresponding PV size", pvs.All, StringComparison.Ordinal);
        }

        var output = Path.Combine(Fixtures.NewTempDir(), "lv.bin");
        var r = Support.Cli.Run("export", image, "--lv", Lv, "-o", output, "--json");
        Assert.Equal(1, r.ExitCode);
        var json = r.Json();
        var range = Assert.Single(json.GetProperty("unmapped").EnumerateArray());
        // LV bytes: LEs 0-2 are 12 MiB, LE 3 starts at PE 23 (byte 108003328); the image ends at 115343360.
        Assert.Equal(12582912 + (115343360 - 108003328), range.GetProperty("offset").GetInt64());
        Assert.Equal(124780544 - 115343360, range.GetProperty("length").GetInt64());
        var finding = Assert.Single(json.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("code").GetString() == "source.truncated" && f.GetProperty("message").GetString()!.Contains("124780544", StringComparison.Ordinal));
        Assert.Equal(115343360, finding.GetProperty("offset").GetInt64());

        // scan names the truncation of the PV itself: 125 extents from byte 11534336 run to 535822336.
        var scan = Support.Cli.Json("scan", image);
        var pvFinding = Assert.Single(scan.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("code").GetString() == "source.truncated" && f.GetProperty("message").GetString()!.Contains("535822336", StringComparison.Ordinal));
        Assert.Equal(115343360, pvFinding.GetProperty("offset").GetInt64());
    }
}
