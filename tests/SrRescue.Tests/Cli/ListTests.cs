using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// `list` against the fixtures' ground truth: every VDI the SR's MGT knows (deleted ones too) is
/// listed with its uuid, name label, parent, hidden flag, snapshot link and a state that agrees
/// with what happened to it (expected.json: deleted, overwritten_lv_ranges).
/// </summary>
public sealed class ListTests
{
    [Theory]
    [InlineData("lost_vdi", null)]
    [InlineData("snapshot_chain", null)]
    [InlineData("multi_pv", null)]
    [InlineData("ring_wrapped", null)]
    [InlineData("gpt_local_sr", null)]
    [InlineData("mda_wiped_with_backup", "lvm-backup")]
    [InlineData("qcow2_sr", null)]
    public void Every_vdi_is_listed_with_its_names_links_and_state(string scenario, string? backup)
    {
        var expected = Fixtures.Expected(scenario);
        string[] args = ["list", .. expected.GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!))];
        if (backup is not null)
        {
            args = [.. args, "--lvm-backup", Path.Combine(Fixtures.Root, scenario, backup)];
        }

        var json = Support.Cli.Json(args);
        Assert.Equal("srrescue.list/1", json.GetProperty("schema").GetString());
        Assert.Equal(expected.GetProperty("sr_uuid").GetString(), json.GetProperty("sr_uuid").GetString());
        var ours = json.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        foreach (var vdi in expected.GetProperty("vdis").EnumerateArray())
        {
            var uuid = vdi.GetProperty("uuid").GetString()!;
            Assert.True(ours.TryGetValue(uuid, out var v), $"{scenario}: VDI {uuid} not listed");
            Assert.Equal(vdi.GetProperty("name_label").GetString(), v.GetProperty("name_label").GetString());
            var deleted = vdi.GetProperty("deleted").GetBoolean();
            var overwritten = vdi.TryGetProperty("overwritten_lv_ranges", out var o) && o.ValueKind == System.Text.Json.JsonValueKind.Array && o.GetArrayLength() > 0;
            var state = v.GetProperty("state").GetString();
            if (!deleted)
            {
                Assert.Equal("present", state);
            }
            else if (overwritten)
            {
                // Either an older copy shows the reuse, or no copy has the LV any more.
                Assert.Contains(state, new[] { "deleted-overwritten", "unaccounted" });
            }
            else
            {
                Assert.Equal("deleted-recoverable", state);
            }

            if (state is "unaccounted" or "deleted-overwritten")
            {
                // Its names come from MGT; what its extents hold now may be another VDI's data.
                continue;
            }

            Assert.Equal(vdi.GetProperty("parent").GetString(), v.GetProperty("parent").GetString());
            Assert.Equal(vdi.GetProperty("hidden").GetBoolean(), v.GetProperty("hidden").GetBoolean());
            Assert.Equal(vdi.GetProperty("is_a_snapshot").GetBoolean(), v.GetProperty("is_a_snapshot").GetBoolean());
            Assert.Equal(vdi.GetProperty("snapshot_of").GetString() is { Length: > 0 } s ? s : null, v.GetProperty("snapshot_of").GetString());
            Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), v.GetProperty("virtual_size").GetInt64());
        }
    }
}
