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

    /// <summary>
    /// With no label left, each disk gets its PV uuid back from the carve's file (pvcreate
    /// --uuid --restorefile, as the file's comment says), then the real vgcfgrestore puts every
    /// carved LV on its extents on both disks.
    /// </summary>
    [Fact]
    public void Vgcfgrestore_restores_the_lvs_carved_across_both_disks()
    {
        string[] disks = [Fixtures.CopyOfImage("multi_pv", "disk0.img"), Fixtures.CopyOfImage("multi_pv", "disk1.img")];
        foreach (var disk in disks)
        {
            using var f = new FileStream(disk, FileMode.Open, FileAccess.Write);
            f.Write(new byte[10 << 20]);
        }

        var dir = Path.Combine(Fixtures.NewTempDir(), "carved");
        var carve = Support.Cli.Run("carve", disks[0], disks[1], "-o", dir, "--json", "--no-pv-search");
        var json = carve.Json();
        var file = json.GetProperty("metadata_file").GetString()!;
        var text = File.ReadAllText(file);
        var vgName = text.Split('\n').First(l => l.EndsWith(" {", StringComparison.Ordinal) && l.StartsWith("VG_", StringComparison.Ordinal))[..^2];
        var ids = System.Text.RegularExpressions.Regex.Matches(text, "must carry PV uuid (\\S+):").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, ids.Count);

        using var loop0 = LoopDevice.Attach(disks[0], readOnly: false);
        using var loop1 = LoopDevice.Attach(disks[1], readOnly: false);
        string[] devices = [loop0.Path, loop1.Path];
        for (var i = 0; i < 2; i++)
        {
            var pv = Lvm2.Run("pvcreate", devices, "-ff", "-y", "--uuid", ids[i], "--restorefile", file, devices[i]);
            Assert.True(pv.ExitCode == 0, pv.All);
        }

        var r = Lvm2.Run("vgcfgrestore", devices, "-f", file, vgName);
        Assert.True(r.ExitCode == 0, r.All);
        var lvs = Lvm2.Run("lvs", devices, "--noheadings", "--separator", "|", "-o", "lv_name,seg_pe_ranges", vgName);
        Assert.True(lvs.ExitCode == 0, lvs.All);
        var lines = lvs.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('|')).ToList();
        foreach (var v in json.GetProperty("vdis").EnumerateArray())
        {
            var want = v.GetProperty("segments").EnumerateArray()
                .Select(s => $"{devices[Array.IndexOf(disks, s.GetProperty("source").GetString())]}:{s.GetProperty("pe").GetInt64()}-{s.GetProperty("pe").GetInt64() + s.GetProperty("count").GetInt64() - 1}").ToList();
            var actual = lines.Where(p => p[0] == v.GetProperty("lv_name").GetString()).Select(p => p[1]).ToList();
            Assert.Equal(want, actual);
        }

        Assert.Equal(5, lines.Select(p => p[0]).Distinct().Count());
    }
}
