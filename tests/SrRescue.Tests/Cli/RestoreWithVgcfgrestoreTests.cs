using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Acceptance: the file from `restore-metadata` is applied by the real `vgcfgrestore` to loop
/// devices over copies of the images, and `lvs -o lv_name,seg_pe_ranges` then shows the lost LV
/// with exactly the extent ranges it had before removal (expected.json, made by lvm2 itself).
/// </summary>
public sealed class RestoreWithVgcfgrestoreTests
{
    [Theory]
    [InlineData("lost_vdi", new[] { "disk.img" }, false)]
    [InlineData("ring_wrapped", new[] { "disk.img" }, true)]
    [InlineData("multi_pv", new[] { "disk0.img", "disk1.img" }, false)]
    [InlineData("qcow2_sr", new[] { "disk.img" }, true)]
    public void Vgcfgrestore_brings_the_lost_lv_back_on_its_old_extents(string scenario, string[] images, bool nameTheLv)
    {
        var expected = Fixtures.Expected(scenario);
        var vgName = expected.GetProperty("vg").GetString()!;
        var lostUuid = expected.GetProperty("lost")[0].GetString()!;
        var lostVdi = expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == lostUuid);
        var lostLv = lostVdi.GetProperty("lv").GetString()!;
        var copies = images.Select(i => Fixtures.CopyOfImage(scenario, i)).ToArray();
        var file = Path.Combine(Fixtures.NewTempDir(), "restore.vg");

        var history = Support.Cli.Json(["history", .. copies]);
        var seqno = LastSeqnoDefining(history, lostLv);
        string[] args = ["restore-metadata", .. copies, "--seqno", seqno.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", file, "--json"];
        if (nameTheLv)
        {
            args = [.. args, "--lv", lostLv];
        }

        var restore = Support.Cli.Run(args);
        Assert.True(restore.ExitCode == 0, restore.Out + restore.Err);
        var plan = restore.Json();
        Assert.Contains(lostLv, plan.GetProperty("restored_lvs").EnumerateArray().Select(e => e.GetString()));
        // vgcfgrestore commits the file's seqno + 1 (lvm2.md 4.2): the file carries the highest seqno
        // on disk so that the restored metadata lands exactly one above every copy.
        var newestSeqno = expected.GetProperty("seqno").GetInt64();
        Assert.Equal(newestSeqno, plan.GetProperty("file_seqno").GetInt64());
        Assert.Equal(newestSeqno + 1, plan.GetProperty("seqno_after_vgcfgrestore").GetInt64());

        var loops = new List<LoopDevice>();
        try
        {
            foreach (var c in copies)
            {
                loops.Add(LoopDevice.Attach(c, readOnly: false));
            }

            var devices = loops.Select(l => l.Path).ToArray();
            var r = Lvm2.Run("vgcfgrestore", devices, "-f", file, vgName);
            Assert.True(r.ExitCode == 0, r.All);
            var vgs = Lvm2.Run("vgs", devices, "--noheadings", "-o", "vg_seqno", vgName);
            Assert.Equal((newestSeqno + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), vgs.StdOut.Trim());
            var lvs = Lvm2.Run("lvs", devices, "--noheadings", "--separator", "|", "-o", "lv_name,seg_pe_ranges", vgName);
            Assert.True(lvs.ExitCode == 0, lvs.All);
            var actual = lvs.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split('|'))
                .Where(p => p[0] == lostLv)
                .Select(p => p[1])
                .ToList();

            var imageToDevice = images.Select((name, i) => (name, devices[i])).ToDictionary(x => x.name, x => x.Item2);
            var want = lostVdi.GetProperty("segments").EnumerateArray()
                .OrderBy(s => s.GetProperty("le").GetInt64())
                .Select(s => $"{imageToDevice[s.GetProperty("image").GetString()!]}:{s.GetProperty("pe").GetInt64()}-{s.GetProperty("pe").GetInt64() + s.GetProperty("count").GetInt64() - 1}")
                .ToList();
            Assert.Equal(want, actual);

            // The LVs that were there stay exactly where they were.
            foreach (var lv in expected.GetProperty("lvs").EnumerateArray())
            {
                Assert.Contains(lvs.StdOut.Split('\n'), line => line.Trim().StartsWith(lv.GetProperty("name").GetString() + "|", StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var l in loops)
            {
                l.Dispose();
            }
        }
    }

    internal static long LastSeqnoDefining(JsonElement history, string lv)
    {
        var vg = history.GetProperty("vgs").EnumerateArray().Single(v => v.GetProperty("current").GetBoolean());
        long? before = null;
        foreach (var v in vg.GetProperty("versions").EnumerateArray())
        {
            if (v.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("kind").GetString() == "removed" && c.GetProperty("lv").GetString() == lv))
            {
                return before ?? throw new InvalidOperationException("removal without an earlier copy");
            }

            if (!v.GetProperty("damaged").GetBoolean())
            {
                before = v.GetProperty("seqno").GetInt64();
            }
        }

        throw new InvalidOperationException($"{lv} is never removed in the history");
    }
}
