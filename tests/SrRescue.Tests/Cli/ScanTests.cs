using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>`scan --json` on lost_vdi against what lvm2 reported when the fixture was made (expected.json).</summary>
public sealed class ScanTests
{
    [Fact]
    public void Scan_reports_the_label_the_area_the_vg_and_xenserver_names()
    {
        var expected = Fixtures.Expected("lost_vdi");
        var json = Support.Cli.Json("scan", Fixtures.Image("lost_vdi"));
        Assert.Equal("srrescue.scan/1", json.GetProperty("schema").GetString());
        var source = Assert.Single(json.GetProperty("sources").EnumerateArray());
        var pv = expected.GetProperty("pvs")[0];
        Assert.Equal(pv.GetProperty("pv_uuid").GetString(), source.GetProperty("pv_uuid").GetString());
        Assert.Equal(512, source.GetProperty("label").GetProperty("offset").GetInt64());
        Assert.True(source.GetProperty("label").GetProperty("crc_ok").GetBoolean());
        var area = Assert.Single(source.GetProperty("metadata_areas").EnumerateArray());
        Assert.Equal(4096, area.GetProperty("offset").GetInt64());
        Assert.Equal(pv.GetProperty("mda_size").GetInt64(), area.GetProperty("size").GetInt64());
        Assert.Equal(expected.GetProperty("seqno").GetInt64(), area.GetProperty("committed_seqno").GetInt64());

        var vg = json.GetProperty("vg");
        Assert.Equal(expected.GetProperty("sr_uuid").GetString(), vg.GetProperty("sr_uuid").GetString());
        Assert.Equal(expected.GetProperty("extent_size").GetInt64(), vg.GetProperty("extent_size").GetInt64());
        Assert.Equal(pv.GetProperty("pe_start").GetInt64(), vg.GetProperty("pvs")[0].GetProperty("pe_start").GetInt64());
        var lvs = vg.GetProperty("lvs").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal(expected.GetProperty("lvs").GetArrayLength(), lvs.Count);
        foreach (var lv in expected.GetProperty("lvs").EnumerateArray())
        {
            var ours = lvs[lv.GetProperty("name").GetString()!];
            Assert.Equal(lv.GetProperty("size").GetInt64(), ours.GetProperty("size").GetInt64());
        }

        Assert.Equal("mgt", lvs["MGT"].GetProperty("kind").GetString());
        foreach (var vdi in expected.GetProperty("vdis").EnumerateArray().Where(v => !v.GetProperty("deleted").GetBoolean()))
        {
            var ours = lvs["VHD-" + vdi.GetProperty("uuid").GetString()];
            Assert.Equal("vhd", ours.GetProperty("kind").GetString());
            Assert.Equal(vdi.GetProperty("uuid").GetString(), ours.GetProperty("vdi_uuid").GetString());
        }
    }
}

/// <summary>scan's VHD facts per VDI against blktap's own answers (vhd-util query) in expected.json.</summary>
public sealed class ScanVhdFactsTests
{
    [Theory]
    [InlineData("lost_vdi")]
    [InlineData("snapshot_chain")]
    [InlineData("multi_pv")]
    public void Vhd_facts_match_blktap(string scenario)
    {
        var expected = Fixtures.Expected(scenario);
        var paths = expected.GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!)).ToArray();
        var json = Support.Cli.Json(["scan", .. paths]);
        var lvs = json.GetProperty("vg").GetProperty("lvs").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        var vdis = expected.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        foreach (var vdi in vdis.Values.Where(v => !v.GetProperty("deleted").GetBoolean()))
        {
            var vhd = lvs["VHD-" + vdi.GetProperty("uuid").GetString()].GetProperty("vhd");
            Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), vhd.GetProperty("virtual_size").GetInt64());
            Assert.Equal(vdi.GetProperty("vhd_phys_size").GetInt64(), vhd.GetProperty("physical_size").GetInt64());
            Assert.Equal(vdi.GetProperty("hidden").GetBoolean(), vhd.GetProperty("hidden").GetBoolean());
            Assert.Equal(vdi.GetProperty("vhd_uuid").GetString(), vhd.GetProperty("uuid").GetString());
            Assert.Equal(vdi.GetProperty("parent").GetString(), vhd.GetProperty("parent_vdi_uuid").GetString());
            var depth = 1;
            for (var p = vdi; p.GetProperty("parent").GetString() is { } parent; p = vdis[parent])
            {
                depth++;
            }

            Assert.Equal(depth, vhd.GetProperty("chain_depth").GetInt32());
            Assert.Equal("ok", vhd.GetProperty("check").GetString());
        }
    }
}
