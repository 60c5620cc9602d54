using System.Text.RegularExpressions;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// history and restore-metadata use one extent-reuse rule (ExtentReuse): every restore-metadata
/// command history advises is accepted (file written, exit 0) and vgcfgrestore --test accepts the
/// file on a loop device; every removed LV it does not advise is refused. On ring_wrapped
/// (made by lvm2 and blktap) the advised LVs are exactly those expected.json says were never
/// overwritten; before the fix history advised 10 and restore refused 7, and wrote
/// VHD-8ceae401 (really overwritten) with exit 0.
/// </summary>
public sealed partial class HistoryAdviceTests
{
    [GeneratedRegex(@"^  (VHD-\S+): removed in seqno \d+; last defined in seqno (\d+)(.*)$", RegexOptions.Multiline)]
    private static partial Regex RemovedLine();

    [Fact]
    public void Every_restore_history_advises_is_accepted_and_every_other_is_refused()
    {
        var image = Fixtures.CopyOfImage("ring_wrapped");
        var expected = Fixtures.Expected("ring_wrapped");
        var neverOverwritten = expected.GetProperty("vdis").EnumerateArray()
            .Where(v => v.GetProperty("deleted").GetBoolean() && v.GetProperty("overwritten_lv_ranges").GetArrayLength() == 0)
            .Select(v => "VHD-" + v.GetProperty("uuid").GetString()).ToHashSet();

        var history = Support.Cli.Run("history", image);
        Assert.Equal(0, history.ExitCode);
        var lines = RemovedLine().Matches(history.Out).ToList();
        Assert.Equal(10, lines.Count);
        var advised = new List<(string Lv, string Seqno)>();
        foreach (Match m in lines)
        {
            var lv = m.Groups[1].Value;
            var seqno = m.Groups[2].Value;
            var isAdvised = m.Groups[3].Value.Contains($"-> srrescue restore-metadata --seqno {seqno} --lv {lv}", StringComparison.Ordinal);
            var output = Path.Combine(Fixtures.NewTempDir(), "r.vg");
            var restore = Support.Cli.Run("restore-metadata", image, "--seqno", seqno, "--lv", lv, "-o", output);
            if (isAdvised)
            {
                Assert.True(restore.ExitCode == 0, restore.Out + restore.Err);
                advised.Add((lv, output));
            }
            else
            {
                Assert.Contains("not restorable", m.Groups[3].Value, StringComparison.Ordinal);
                Assert.Equal(1, restore.ExitCode);
                Assert.False(File.Exists(output));
            }
        }

        Assert.Equal(neverOverwritten.Order(), advised.Select(a => a.Lv).Order());

        using var loop = LoopDevice.Attach(image, readOnly: false);
        var vg = expected.GetProperty("vg").GetString()!;
        foreach (var (lv, file) in advised)
        {
            var r = Lvm2.Run("vgcfgrestore", [loop.Path], "--test", "-f", file, vg);
            Assert.True(r.ExitCode == 0, lv + ": " + r.All);
        }
    }

    [Fact]
    public void A_restore_of_extents_a_later_lv_took_is_refused_even_when_that_lv_is_gone_again()
    {
        // VHD-8ceae401's PE 95 went to VHD-ed94711d in seqno 40, which was itself removed in seqno 53.
        var image = Fixtures.Image("ring_wrapped");
        var output = Path.Combine(Fixtures.NewTempDir(), "r.vg");
        var r = Support.Cli.Run("restore-metadata", image, "--seqno", "38", "--lv", "VHD-8ceae401-5afa-43d0-996b-c1bc45a0c38b", "-o", output, "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.False(File.Exists(output));
        var c = Assert.Single(r.Json().GetProperty("conflicts").EnumerateArray());
        Assert.Equal("VHD-ed94711d-2011-47d9-b0fd-e32532dd9020", c.GetProperty("used_by").GetString());
        Assert.Equal(95, c.GetProperty("first_pe").GetInt64());
        Assert.Equal(40, c.GetProperty("used_in_seqno").GetInt64());
    }
}
