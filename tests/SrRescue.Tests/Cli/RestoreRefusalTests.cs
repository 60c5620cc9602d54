using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// restore-metadata refuses LVs whose extents now belong to other LVs, naming the LV and the
/// extents. Checked against ring_wrapped's ground truth: every LV we call unsafe was really
/// overwritten after its removal (expected.json overwritten_lv_ranges), the lost VDI is not.
/// </summary>
public sealed class RestoreRefusalTests
{
    [Fact]
    public void Default_restore_from_an_old_copy_refuses_the_overwritten_lvs_and_names_their_extents()
    {
        var image = Fixtures.Image("ring_wrapped");
        var expected = Fixtures.Expected("ring_wrapped");
        var output = Path.Combine(Fixtures.NewTempDir(), "r.vg");
        var r = Support.Cli.Run("restore-metadata", image, "--seqno", "40", "-o", output, "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.False(File.Exists(output));
        var json = r.Json();
        Assert.True(json.GetProperty("refused").GetBoolean());
        var conflicts = json.GetProperty("conflicts").EnumerateArray().ToList();
        Assert.NotEmpty(conflicts);

        var overwritten = expected.GetProperty("vdis").EnumerateArray()
            .Where(v => v.TryGetProperty("overwritten_lv_ranges", out var o) && o.ValueKind == System.Text.Json.JsonValueKind.Array && o.GetArrayLength() > 0)
            .Select(v => "VHD-" + v.GetProperty("uuid").GetString())
            .ToHashSet();
        foreach (var c in conflicts)
        {
            Assert.Contains(c.GetProperty("lv").GetString()!, overwritten);
            Assert.True(c.GetProperty("pe_count").GetInt64() > 0);
            Assert.StartsWith("VHD-", c.GetProperty("used_by").GetString(), StringComparison.Ordinal);
        }

        var lost = "VHD-" + expected.GetProperty("lost")[0].GetString();
        Assert.DoesNotContain(conflicts, c => c.GetProperty("lv").GetString() == lost);

        var text = Support.Cli.Run("restore-metadata", image, "--seqno", "40", "-o", output);
        Assert.Contains("UNSAFE: VHD-", text.Out);
        Assert.Contains("Refused, nothing written.", text.Out);
    }

    [Fact]
    public void Force_writes_the_file_and_still_lists_the_unsafe_ranges()
    {
        var image = Fixtures.Image("ring_wrapped");
        var output = Path.Combine(Fixtures.NewTempDir(), "r.vg");
        var r = Support.Cli.Run("restore-metadata", image, "--seqno", "40", "-o", output, "--force", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.True(File.Exists(output));
        Assert.NotEmpty(r.Json().GetProperty("conflicts").EnumerateArray());
    }
}
