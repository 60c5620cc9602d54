using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Recovery;

/// <summary>
/// Issue 10 item 4: with the metadata area zeroed and no backup the doctor carves (it said "only
/// carving can find the VDIs", then "Nothing to do"), lists what carving finds and plans the carve
/// and the imports; sources with nothing of an SR on them (an empty file, /dev/null, zeros) are
/// said to hold no SR, with exit 1. The carved disks are checked with qemu-img against blktap's
/// raw_sha256: each is bit-exact or flagged as a guess, never a wrong disk called sure.
/// </summary>
public sealed class NoMetadataLeftTests
{
    [Fact]
    public void Doctor_carves_when_the_metadata_area_is_zeroed_and_no_backup_exists()
    {
        var image = Fixtures.CopyOfImage("lost_vdi");
        using (var f = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            f.Position = 4096; // the mda header and the whole ring up to pe_start (11 MiB); the label in sector 1 stays
            f.Write(new byte[(11 << 20) - 4096]);
        }

        var outDir = Fixtures.NewTempDir();
        var r = Support.Cli.Run("doctor", image, "--output-dir", outDir, "--json");
        Assert.True(r.ExitCode == 1, r.Out + r.Err);
        var json = r.Json();
        var f3 = Assert.Single(json.GetProperty("faults").EnumerateArray(), f => f.GetProperty("id").GetString() == "F3");
        Assert.Contains(f3.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.StartsWith("carving the data area finds 4 VDI(s)", StringComparison.Ordinal));

        var expected = Fixtures.Expected("lost_vdi").GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("vhd_uuid").GetString()!);
        var listed = json.GetProperty("vdis").EnumerateArray().ToList();
        Assert.Equal(expected.Keys.Order(), listed.Select(v => v.GetProperty("uuid").GetString()!).Order()); // no MGT: a VDI is known by its VHD's uuid
        Assert.All(listed, v => Assert.Equal("carved", v.GetProperty("state").GetString()));

        var plan = json.GetProperty("plan").EnumerateArray().ToList();
        Assert.Equal("carve", plan[0].GetProperty("argv")[1].GetString());
        Assert.Equal(expected.Count, plan.Count(s => s.GetProperty("argv")[1].GetString() == "vdi-import"));

        // Run the plan's carve; every disk it calls sure must be the disk blktap wrote.
        var argv = plan[0].GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToArray();
        var carve = Support.Cli.Run([.. argv[1..], "--json"]);
        Assert.True(carve.ExitCode is 0 or 1, carve.Out + carve.Err);
        var guessed = 0;
        foreach (var v in carve.Json().GetProperty("vdis").EnumerateArray())
        {
            var raw = Path.Combine(outDir, "check.raw");
            ExternalTool.RunChecked("qemu-img", "convert", "-f", "vpc", "-O", "raw", v.GetProperty("output").GetString()!, raw);
            var right = SrRescue.Tests.Cli.ExportWithQemuImgTests.Sha256(raw) == expected[v.GetProperty("vhd_uuid").GetString()!].GetProperty("raw_sha256").GetString();
            File.Delete(raw);
            var sure = v.GetProperty("chain_confidence").GetString() == "high";
            Assert.True(right || !sure, $"{v.GetProperty("vhd_uuid").GetString()} is called sure but differs from blktap's disk");
            guessed += sure ? 0 : 1;
        }

        Assert.Equal(guessed > 0 ? 1 : 0, carve.ExitCode);
    }

    public static TheoryData<string> Empty => new() { "empty", "/dev/null", "zeros" };

    [Theory]
    [MemberData(nameof(Empty))]
    public void Sources_without_a_pv_or_a_vhd_are_said_to_hold_no_sr(string what)
    {
        var dir = Fixtures.NewTempDir();
        var source = what == "/dev/null" ? what : Path.Combine(dir, what + ".img");
        if (what != "/dev/null")
        {
            using var f = File.Create(source);
            f.SetLength(what == "zeros" ? 64L << 20 : 0);
        }

        var r = Support.Cli.Run("doctor", source, "--output-dir", Path.Combine(dir, "out"), "--json");
        Assert.True(r.ExitCode == 1, r.Out + r.Err);
        var json = r.Json();
        var fault = Assert.Single(json.GetProperty("faults").EnumerateArray());
        Assert.Equal("SOURCE", fault.GetProperty("id").GetString());
        Assert.Equal("no-sr", fault.GetProperty("kind").GetString());
        Assert.Equal(0, json.GetProperty("plan").GetArrayLength());

        var text = Support.Cli.Run("doctor", source, "--output-dir", Path.Combine(dir, "out"));
        Assert.Contains("No LVM PV and no VHD found: these sources hold no SR", text.Out);
        Assert.DoesNotContain("Nothing to do", text.Out);
        Assert.DoesNotContain("xe ", text.Out);
    }
}
