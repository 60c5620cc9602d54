using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// An SR on two LUNs (multi_pv) whose labels and metadata areas are both zeroed: carving the two
/// disks in the order the SR grew brings back every VDI, the deleted one whose LV spans both
/// disks included, and says which disk each segment is on.
/// </summary>
public sealed class CarveMultiPvTests
{
    [Fact]
    public void Both_disks_wiped_every_vdi_comes_back_the_spanning_one_whole()
    {
        var expected = Fixtures.Expected("multi_pv");
        string[] disks = [Fixtures.CopyOfImage("multi_pv", "disk0.img"), Fixtures.CopyOfImage("multi_pv", "disk1.img")];
        foreach (var disk in disks)
        {
            using var f = new FileStream(disk, FileMode.Open, FileAccess.Write);
            f.Write(new byte[10 << 20]);
        }

        var dir = Path.Combine(Fixtures.NewTempDir(), "carved");
        var r = Support.Cli.Run("carve", disks[0], disks[1], "-o", dir, "--format", "raw", "--json", "--no-pv-search");
        Assert.True(r.ExitCode is 0 or 1, r.Out + r.Err);
        var vdis = r.Json().GetProperty("vdis").EnumerateArray().ToList();
        var hashes = vdis.Select(v => SrRescue.Tests.Cli.ExportWithQemuImgTests.Sha256(v.GetProperty("output").GetString()!)).ToList();
        foreach (var e in expected.GetProperty("vdis").EnumerateArray())
        {
            Assert.True(hashes.Contains(e.GetProperty("raw_sha256").GetString()!), $"VDI {e.GetProperty("uuid")} not carved bit-exact:\n{r.Out}");
        }

        // The lost VDI lived on both disks: its carved LV has segments on each.
        var lost = expected.GetProperty("lost")[0].GetString();
        var lostSha = expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == lost).GetProperty("raw_sha256").GetString()!;
        var spanning = vdis[hashes.IndexOf(lostSha)];
        var sources = spanning.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("source").GetString()).Distinct().ToList();
        Assert.Equal(disks.Order(), sources.Order()!);
    }
}
