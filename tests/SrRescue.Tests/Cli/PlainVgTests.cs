using System.Text;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// A VG that is not a XenServer SR (issue 10 item 10), made by lvm2 on two loop devices: a linear
/// LV, a raid1 LV, a thin pool and a thin volume (lvm2 cannot create the last three without
/// device-mapper, so they are added to its own vgcfgbackup file and put back with vgcfgrestore;
/// lvs then reports them as raid1, thin-pool and thin). The doctor plans no xe step and names the
/// VG; list says why it has no VDIs; a raid1 or thin export writes nothing and names the LV that
/// does export, and that one exports the bytes lvm2 put there.
/// </summary>
public sealed class PlainVgTests
{
    private const long PeStart = 1L << 20;
    private const long Extent = 4L << 20;

    [Fact]
    public void A_plain_vg_gets_no_xe_steps_and_its_mirror_and_thin_lvs_point_at_what_exports()
    {
        ExternalTool.Require("vgcfgrestore", "lvm2");
        var dir = Fixtures.NewTempDir();
        var images = new[] { Path.Combine(dir, "pv1.img"), Path.Combine(dir, "pv2.img") };
        foreach (var i in images)
        {
            using var f = File.Create(i);
            f.SetLength(200L << 20);
        }

        using (var a = LoopDevice.Attach(images[0], readOnly: false))
        using (var b = LoopDevice.Attach(images[1], readOnly: false))
        {
            string[] devices = [a.Path, b.Path];
            Ok(Lvm2.Run("pvcreate", devices, "-q", a.Path, b.Path));
            Ok(Lvm2.Run("vgcreate", devices, "-q", "myvg", a.Path, b.Path));
            Ok(Lvm2.Run("lvcreate", devices, "-an", "-Zn", "-L", "20M", "-n", "data", "myvg"));
            var backup = Path.Combine(dir, "myvg.vg");
            Ok(Lvm2.Run("vgcfgbackup", devices, "-f", backup, "myvg"));
            var text = File.ReadAllText(backup);
            var at = text.IndexOf("logical_volumes {", StringComparison.Ordinal) + "logical_volumes {".Length;
            File.WriteAllText(backup, text[..at] + ExtraLvs() + text[at..]);
            Ok(Lvm2.Run("vgcfgrestore", devices, "--force", "-f", backup, "myvg"));
            var lvs = Lvm2.Run("lvs", devices, "-a", "--noheadings", "-o", "lv_name,segtype", "myvg");
            Ok(lvs);
            Assert.Matches(@"\bmir\s+raid1\b", lvs.StdOut);
            Assert.Matches(@"\bpool\s+thin-pool\b", lvs.StdOut);
            Assert.Matches(@"\bthin1\s+thin\b", lvs.StdOut);
        }

        // What lvm2 maps to mir_rimage_0: extents 11-15 of the first PV.
        var pattern = new byte[5 * Extent];
        new Random(7).NextBytes(pattern);
        using (var f = new FileStream(images[0], FileMode.Open, FileAccess.Write))
        {
            f.Position = PeStart + (11 * Extent);
            f.Write(pattern);
        }

        var doctor = Support.Cli.Run(["doctor", .. images, "--output-dir", Path.Combine(dir, "out"), "--json"]);
        Assert.True(doctor.ExitCode == 0, doctor.Out + doctor.Err);
        var json = doctor.Json();
        var fault = Assert.Single(json.GetProperty("faults").EnumerateArray());
        Assert.Equal("not-an-sr", fault.GetProperty("kind").GetString());
        Assert.DoesNotContain(json.GetProperty("plan").EnumerateArray(), s => s.GetProperty("tool").GetString() == "xe");
        Assert.DoesNotMatch(@"\d+\. xe ", Support.Cli.Run(["doctor", .. images, "--output-dir", Path.Combine(dir, "out")]).Out); // no plan step is an xe command

        var list = Support.Cli.Run(["list", .. images]);
        Assert.Contains("VG myvg is not a XenServer SR", list.Out);
        Assert.Contains("--lv NAME", list.Out);

        foreach (var (lv, points) in new[] { ("mir", "--lv mir_rimage_0"), ("pool", "--lv pool_tdata"), ("thin1", "does not read") })
        {
            var output = Path.Combine(dir, lv + ".raw");
            var r = Support.Cli.Run(["export", .. images, "--lv", lv, "-o", output]);
            Assert.True(r.ExitCode == 1, r.Out + r.Err);
            Assert.Contains(points, r.Err);
            Assert.Contains("nothing written", r.Err);
            Assert.False(File.Exists(output));
        }

        var image = Path.Combine(dir, "rimage0.raw");
        var ok = Support.Cli.Run(["export", .. images, "--lv", "mir_rimage_0", "-o", image]);
        Assert.True(ok.ExitCode == 0, ok.Out + ok.Err);
        Assert.Equal(pattern, File.ReadAllBytes(image));
    }

    private static void Ok(ExternalTool.Result r) => Assert.True(r.ExitCode == 0, r.All);

    /// <summary>LV sections in lvm2's text format (lvm2.md 3.7): a raid1 over two images, a thin pool with its sub-LVs, a thin volume.</summary>
    private static string ExtraLvs()
    {
        var n = 0;
        string Id() => $"aaaaa{n++ % 10}-bbbb-cccc-dddd-eeee-ffff-gggggg";
        string Lv(string name, bool visible, long extents, string body) => $$"""

            {{name}} {
            id = "{{Id()}}"
            status = ["READ", "WRITE"{{(visible ? ", \"VISIBLE\"" : "")}}]
            flags = []
            creation_time = 1700000000
            creation_host = "test"
            segment_count = 1
            segment1 {
            start_extent = 0
            extent_count = {{extents}}
            {{body}}
            }
            }

            """;
        string Linear(string name, string pv, long pe, long extents) => Lv(name, false, extents, $"type = \"striped\"\nstripe_count = 1\nstripes = [\"{pv}\", {pe}]");
        var s = new StringBuilder();
        s.Append(Linear("mir_rmeta_0", "pv0", 10, 1)).Append(Linear("mir_rimage_0", "pv0", 11, 5));
        s.Append(Linear("mir_rmeta_1", "pv1", 10, 1)).Append(Linear("mir_rimage_1", "pv1", 11, 5));
        s.Append(Lv("mir", true, 5, "type = \"raid1\"\ndevice_count = 2\nregion_size = 1024\nraids = [\"mir_rmeta_0\", \"mir_rimage_0\", \"mir_rmeta_1\", \"mir_rimage_1\"]"));
        s.Append(Linear("pool_tmeta", "pv0", 20, 1)).Append(Linear("pool_tdata", "pv0", 21, 10)).Append(Linear("lvol0_pmspare", "pv1", 20, 1));
        s.Append(Lv("pool", true, 10, "type = \"thin-pool\"\nmetadata = \"pool_tmeta\"\npool = \"pool_tdata\"\ntransaction_id = 1\nchunk_size = 128\ndiscards = \"passdown\"\nzero_new_blocks = 1"));
        s.Append(Lv("thin1", true, 5, "type = \"thin\"\nthin_pool = \"pool\"\ntransaction_id = 0\ndevice_id = 1"));
        return s.ToString();
    }
}
