using SrRescue.Tests.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Acceptance: `history --json` lists every seqno `pvck --dump metadata_search` lists for the same
/// image (pvck runs on a read-only loop device), and the removed VDI appears as a removal event.
/// </summary>
public sealed class HistoryAgainstPvckTests
{
    [Theory]
    [InlineData("lost_vdi", new[] { "disk.img" })]
    [InlineData("ring_wrapped", new[] { "disk.img" })]
    [InlineData("multi_pv", new[] { "disk0.img", "disk1.img" })]
    [InlineData("qcow2_sr", new[] { "disk.img" })]
    public void History_lists_every_seqno_pvck_lists_and_the_removal(string scenario, string[] images)
    {
        var paths = images.Select(i => Fixtures.Image(scenario, i)).ToArray();
        var pvckSeqnos = new HashSet<long>();
        foreach (var path in paths)
        {
            using var loop = LoopDevice.Attach(path, readOnly: true);
            var r = Lvm2.Pvck(loop.Path, "--dump", "metadata_search");
            Assert.True(r.ExitCode == 0, r.All);
            pvckSeqnos.UnionWith(RingScanAgainstPvckTests.ParsePvck(r.StdOut).Select(c => c.Seqno));
        }

        var json = Support.Cli.Json(["history", .. paths]);
        Assert.Equal("srrescue.history/1", json.GetProperty("schema").GetString());
        var vg = json.GetProperty("vgs").EnumerateArray().Single(v => v.GetProperty("current").GetBoolean());
        var expected = Fixtures.Expected(scenario);
        Assert.Equal(expected.GetProperty("vg").GetString(), vg.GetProperty("name").GetString());
        var versions = vg.GetProperty("versions").EnumerateArray().ToList();
        var ours = versions.Select(v => v.GetProperty("seqno").GetInt64()).ToHashSet();
        Assert.NotEmpty(pvckSeqnos);
        Assert.Subset(ours, pvckSeqnos);
        Assert.Equal(expected.GetProperty("seqno").GetInt64(), ours.Max());

        var lvOf = expected.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!, v => v.GetProperty("lv").GetString()!);
        foreach (var lost in expected.GetProperty("lost").EnumerateArray().Select(e => lvOf[e.GetString()!]))
        {
            var removal = versions.SelectMany(v => v.GetProperty("changes").EnumerateArray().Select(c => (Seqno: v.GetProperty("seqno").GetInt64(), Change: c)))
                .Where(x => x.Change.GetProperty("kind").GetString() == "removed" && x.Change.GetProperty("lv").GetString() == lost)
                .ToList();
            Assert.NotEmpty(removal);
            if (expected.TryGetProperty("lost_removed_in_seqno", out var removedIn))
            {
                Assert.Contains(removal, x => x.Seqno == removedIn.GetInt64());
            }
        }
    }
}
