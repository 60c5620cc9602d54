using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// The carve's metadata file is applied by the real vgcfgrestore to a loop device over a copy of
/// sr_recreated; lvs then lists every carved LV of the old VG on the extents lvm2 gave it.
/// </summary>
public sealed class CarveVgcfgrestoreTests
{
    [Fact]
    public void Vgcfgrestore_accepts_the_carved_lvs_and_puts_them_on_their_old_extents()
    {
        var expected = Fixtures.Expected("sr_recreated");
        var copy = Fixtures.CopyOfImage("sr_recreated");
        var dir = Path.Combine(Fixtures.NewTempDir(), "carved");
        var carve = Support.Cli.Run("carve", copy, "-o", dir, "--json");
        // Exit 1: some extents were chosen by allocation order (carve.extent.ambiguous); the map is right all the same.
        Assert.True(carve.ExitCode == 1, carve.Out + carve.Err);
        var json = carve.Json();
        var file = json.GetProperty("metadata_file").GetString()!;
        // The disk holds the re-created SR's VG: the file is that VG with the carved LVs added,
        // so applying it keeps every LV the new SR has.
        var vgName = expected.GetProperty("new_vg").GetString()!;

        using var loop = LoopDevice.Attach(copy, readOnly: false);
        var before = Lines(Lvm2.Run("lvs", [loop.Path], "--noheadings", "--separator", "|", "-o", "lv_name,seg_pe_ranges", vgName));
        Assert.NotEmpty(before);
        var r = Lvm2.Run("vgcfgrestore", [loop.Path], "-f", file, vgName);
        Assert.True(r.ExitCode == 0, r.All);
        var lines = Lines(Lvm2.Run("lvs", [loop.Path], "--noheadings", "--separator", "|", "-o", "lv_name,seg_pe_ranges", vgName));
        foreach (var kept in before)
        {
            Assert.Contains(lines, l => l.SequenceEqual(kept));
        }

        foreach (var v in json.GetProperty("vdis").EnumerateArray())
        {
            var want = v.GetProperty("segments").EnumerateArray()
                .Select(s => $"{loop.Path}:{s.GetProperty("pe").GetInt64()}-{s.GetProperty("pe").GetInt64() + s.GetProperty("count").GetInt64() - 1}").ToList();
            var actual = lines.Where(p => p[0] == v.GetProperty("lv_name").GetString()).Select(p => p[1]).ToList();
            Assert.Equal(want, actual);
        }

        Assert.Equal(expected.GetProperty("vdis").GetArrayLength() + before.Select(p => p[0]).Distinct().Count(), lines.Select(p => p[0]).Distinct().Count());
    }

    private static List<string[]> Lines(ExternalTool.Result lvs)
    {
        Assert.True(lvs.ExitCode == 0, lvs.All);
        return lvs.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('|')).ToList();
    }
}
