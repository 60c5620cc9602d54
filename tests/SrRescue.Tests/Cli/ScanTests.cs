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
