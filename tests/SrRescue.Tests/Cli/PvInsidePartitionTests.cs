using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// A PV inside a partition whose table is gone (gpt_local_sr: both GPT copies zeroed) is found by
/// its label without the user giving an offset, and everything reads through it.
/// </summary>
public sealed class PvInsidePartitionTests
{
    [Fact]
    public void Scan_history_and_export_work_with_no_offset_given()
    {
        var expected = Fixtures.Expected("gpt_local_sr");
        var image = Fixtures.Image("gpt_local_sr");
        var offset = expected.GetProperty("pv_offsets").GetProperty("disk.img").GetInt64();
        var scan = Support.Cli.Json("scan", image);
        var source = Assert.Single(scan.GetProperty("sources").EnumerateArray());
        Assert.Equal(offset, source.GetProperty("pv_offset").GetInt64());
        Assert.Equal(offset + 512, source.GetProperty("label").GetProperty("offset").GetInt64());
        Assert.Equal(expected.GetProperty("vg").GetString(), scan.GetProperty("vg").GetProperty("name").GetString());

        var history = Support.Cli.Json("history", image);
        Assert.Equal(expected.GetProperty("seqno").GetInt64(),
            history.GetProperty("vgs")[0].GetProperty("versions").EnumerateArray().Max(v => v.GetProperty("seqno").GetInt64()));

        foreach (var vdi in expected.GetProperty("vdis").EnumerateArray())
        {
            var output = Path.Combine(Fixtures.NewTempDir(), "vdi.raw");
            var r = Support.Cli.Run("export", image, "--vdi", vdi.GetProperty("uuid").GetString()!, "--format", "raw", "-o", output);
            Assert.True(r.ExitCode == 0, r.Out + r.Err);
            Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(output));
        }
    }

    [Fact]
    public void No_pv_search_takes_the_source_as_the_pv_and_says_so()
    {
        var image = Fixtures.Image("gpt_local_sr");
        var scan = Support.Cli.Json("scan", image, "--no-pv-search");
        var source = Assert.Single(scan.GetProperty("sources").EnumerateArray());
        Assert.Equal(0, source.GetProperty("pv_offset").GetInt64());
        Assert.Equal(JsonValueKind.Null, source.GetProperty("label").ValueKind);
        Assert.Contains(scan.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "lvm.pv.not-searched");
        Assert.DoesNotContain(scan.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "lvm.pv.inside");
    }

    [Fact]
    public void A_pv_on_a_1_MiB_boundary_is_found_without_searching_every_sector()
    {
        var image = Fixtures.Image("gpt_local_sr");
        var offset = Fixtures.Expected("gpt_local_sr").GetProperty("pv_offsets").GetProperty("disk.img").GetInt64();
        Assert.Equal(0, offset % (1 << 20));
        var scan = Support.Cli.Json("scan", image);
        Assert.Equal(offset, Assert.Single(scan.GetProperty("sources").EnumerateArray()).GetProperty("pv_offset").GetInt64());
        var codes = scan.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Contains("lvm.pv.search-partition-starts", codes);
        Assert.DoesNotContain("lvm.pv.search-every-sector", codes);
    }

    [Fact]
    public void A_pv_off_every_boundary_is_found_by_searching_every_sector_and_that_is_said()
    {
        // The same disk 4 KiB further on: its PV starts at no 1 MiB boundary nor at sector 34 or 63.
        var offset = Fixtures.Expected("gpt_local_sr").GetProperty("pv_offsets").GetProperty("disk.img").GetInt64() + 4096;
        var shifted = Path.Combine(Fixtures.NewTempDir(), "shifted.img");
        using (var output = File.Create(shifted))
        {
            output.Write(new byte[4096]);
            using var input = File.OpenRead(Fixtures.Image("gpt_local_sr"));
            input.CopyTo(output);
        }

        var scan = Support.Cli.Json("scan", shifted);
        Assert.Equal(offset, Assert.Single(scan.GetProperty("sources").EnumerateArray()).GetProperty("pv_offset").GetInt64());
        var codes = scan.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Contains("lvm.pv.search-every-sector", codes);
        Assert.DoesNotContain("lvm.pv.search-partition-starts", codes);
        File.Delete(shifted);
    }
}
