using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Xen;

/// <summary>
/// The qcow2_sr fixture (an XCP-ng 8.3 SR made by lvm2 and qemu-img, see its README): list and scan
/// say of every VDI what expected.json says, and lvm2 itself, on a loop device over a copy, sees the
/// LVs scan reports.
/// </summary>
public sealed class Qcow2SrTests
{
    private const string Scenario = "qcow2_sr";

    private static Dictionary<string, JsonElement> ExpectedVdis() =>
        Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);

    [Fact]
    public void List_gives_every_vdi_its_kind_size_parent_hidden_flag_and_state()
    {
        var json = Support.Cli.Json("list", Fixtures.Image(Scenario));
        var ours = json.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        var expected = ExpectedVdis();
        Assert.Equal(expected.Keys.Order(), ours.Keys.Order());
        foreach (var (uuid, vdi) in expected)
        {
            var v = ours[uuid];
            Assert.Equal(vdi.GetProperty("kind").GetString(), v.GetProperty("kind").GetString());
            Assert.Equal(vdi.GetProperty("lv").GetString(), v.GetProperty("lv").GetString());
            Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), v.GetProperty("virtual_size").GetInt64());
            Assert.Equal(vdi.GetProperty("parent").GetString(), v.GetProperty("parent").GetString());
            Assert.Equal(vdi.GetProperty("hidden").GetBoolean(), v.GetProperty("hidden").GetBoolean());
            Assert.Equal(vdi.GetProperty("lv_size").GetInt64(), v.GetProperty("lv_size").GetInt64());
            Assert.Equal(vdi.GetProperty("name_label").GetString(), v.GetProperty("name_label").GetString());
            Assert.Equal(vdi.GetProperty("deleted").GetBoolean() ? "deleted-recoverable" : "present", v.GetProperty("state").GetString());
        }
    }

    [Fact]
    public void Scan_reads_each_qcow2_header_and_its_chain()
    {
        var json = Support.Cli.Json("scan", Fixtures.Image(Scenario));
        Assert.DoesNotContain(json.GetProperty("findings").EnumerateArray(), f => f.GetProperty("severity").GetString() != "info");
        var lvs = json.GetProperty("vg").GetProperty("lvs").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        var expected = ExpectedVdis();
        foreach (var vdi in expected.Values.Where(v => !v.GetProperty("deleted").GetBoolean()))
        {
            var lv = lvs[vdi.GetProperty("lv").GetString()!];
            Assert.Equal(vdi.GetProperty("kind").GetString(), lv.GetProperty("kind").GetString());
            if (vdi.GetProperty("kind").GetString() != "qcow2")
            {
                Assert.Equal(JsonValueKind.Null, lv.GetProperty("qcow2").ValueKind);
                continue;
            }

            var q = lv.GetProperty("qcow2");
            var facts = vdi.GetProperty("qcow2");
            Assert.Equal(JsonValueKind.Null, lv.GetProperty("vhd").ValueKind);
            Assert.Equal(facts.GetProperty("version").GetInt32(), q.GetProperty("version").GetInt32());
            Assert.Equal(facts.GetProperty("cluster_size").GetInt64(), q.GetProperty("cluster_size").GetInt64());
            Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), q.GetProperty("virtual_size").GetInt64());
            Assert.Equal(vdi.GetProperty("hidden").GetBoolean(), q.GetProperty("hidden").GetBoolean());
            Assert.Equal(facts.GetProperty("vate_hidden").GetBoolean(), q.GetProperty("hidden_flag").GetBoolean());
            Assert.Equal(facts.GetProperty("backing_file").GetString(), q.GetProperty("backing_file").GetString());
            Assert.Equal(facts.GetProperty("backing_format").GetString(), q.GetProperty("backing_format").GetString());
            Assert.Equal(vdi.GetProperty("parent").GetString(), q.GetProperty("parent_vdi_uuid").GetString());
            Assert.Equal(vdi.GetProperty("parent").GetString() is { } p ? expected[p].GetProperty("lv").GetString() : null, q.GetProperty("parent_lv").GetString());
            var depth = 1;
            for (var v = vdi; v.GetProperty("parent").GetString() is { } parent; v = expected[parent])
            {
                depth++;
            }

            Assert.Equal(depth, q.GetProperty("chain_depth").GetInt32());
            Assert.True(q.GetProperty("chain_complete").GetBoolean());
            Assert.Equal("ok", q.GetProperty("check").GetString());
            Assert.Empty(q.GetProperty("problems").EnumerateArray());
        }

        var vhd = expected.Values.Single(v => v.GetProperty("kind").GetString() == "vhd");
        Assert.Equal(vhd.GetProperty("vhd_uuid").GetString(), lvs[vhd.GetProperty("lv").GetString()!].GetProperty("vhd").GetProperty("uuid").GetString());
    }

    [Fact]
    public void Scan_has_the_lvs_the_fixture_was_left_with_and_the_split_lv_in_two_segments()
    {
        var expected = Fixtures.Expected(Scenario);
        var json = Support.Cli.Json("scan", Fixtures.Image(Scenario));
        var lvs = json.GetProperty("vg").GetProperty("lvs").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal(expected.GetProperty("lvs").EnumerateArray().Select(l => l.GetProperty("name").GetString()!).Order(), lvs.Keys.Order());
        foreach (var lv in expected.GetProperty("lvs").EnumerateArray())
        {
            var ours = lvs[lv.GetProperty("name").GetString()!];
            Assert.Equal(lv.GetProperty("size").GetInt64(), ours.GetProperty("size").GetInt64());
            Assert.Equal(lv.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), ours.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(Ranges(lv.GetProperty("segments")), ours.GetProperty("segments").EnumerateArray().Select(s => (
                s.GetProperty("start_extent").GetInt64(), s.GetProperty("areas")[0].GetProperty("start").GetInt64(), s.GetProperty("extent_count").GetInt64())));
        }

        var split = Assert.Single(expected.GetProperty("split").EnumerateArray()).GetString();
        Assert.Equal(2, lvs["QCOW2-" + split].GetProperty("segments").GetArrayLength());
    }

    [Fact]
    public void Lvm2_on_a_copy_sees_the_lvs_scan_reports()
    {
        var copy = Fixtures.CopyOfImage(Scenario);
        var vg = Fixtures.Expected(Scenario).GetProperty("vg").GetString()!;
        var json = Support.Cli.Json("scan", copy);
        var ours = json.GetProperty("vg").GetProperty("lvs").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!, l => (
            Size: l.GetProperty("size").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Tags: string.Join(',', l.GetProperty("tags").EnumerateArray().Select(t => t.GetString())),
            Ranges: string.Join(' ', l.GetProperty("segments").EnumerateArray().Select(s => (Start: s.GetProperty("areas")[0].GetProperty("start").GetInt64(), Count: s.GetProperty("extent_count").GetInt64()))
                .Select(s => $"{s.Start}-{s.Start + s.Count - 1}"))));
        using var loop = LoopDevice.Attach(copy, readOnly: true);
        var lvs = Lvm2.Run("lvs", [loop.Path], "--noheadings", "--separator", "|", "--units", "b", "--nosuffix", "-o", "lv_name,lv_size,lv_tags,seg_pe_ranges", vg);
        Assert.True(lvs.ExitCode == 0, lvs.All);
        // One line per segment; seg_pe_ranges is /dev/loopN:first-last.
        var theirs = lvs.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('|'))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => (Size: g.First()[1], Tags: g.First()[2], Ranges: string.Join(' ', g.Select(p => p[3][(p[3].LastIndexOf(':') + 1)..]))));
        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        foreach (var (name, lv) in theirs)
        {
            Assert.Equal(lv, ours[name]);
        }
    }

    private static IEnumerable<(long Le, long Pe, long Count)> Ranges(JsonElement segments) =>
        segments.EnumerateArray().Select(s => (s.GetProperty("le").GetInt64(), s.GetProperty("pe").GetInt64(), s.GetProperty("count").GetInt64()));
}
