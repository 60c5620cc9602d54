using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// history only advises a restore-metadata run that restore-metadata accepts (issue 10, item 9),
/// on a VG made here by lvm2 (HistoryAdviceTests does the same on the ring_wrapped fixture):
/// one extent-reuse rule for both. The VG is made by the real lvm2: an LV removed, its extents
/// handed to a new LV (lvm2 gives freed extents out first), that LV removed again; and another LV
/// removed whose extents nobody took.
/// </summary>
public sealed class HistoryRestoreAgreementTests
{
    [Fact]
    public void Every_restore_history_advises_is_accepted_and_every_one_it_refuses_is_refused()
    {
        var image = Path.Combine(Fixtures.NewTempDir(), "pv.img");
        using (var f = File.Create(image))
        {
            f.SetLength(64 << 20);
        }

        using (var loop = LoopDevice.Attach(image, readOnly: false))
        {
            string[] dev = [loop.Path];
            Ok(Lvm2.Run("pvcreate", dev, "-y", loop.Path));
            Ok(Lvm2.Run("vgcreate", dev, "-s", "4M", "vgtest", loop.Path));
            Ok(Lvm2.Run("lvcreate", dev, "-an", "-Zn", "-L", "8M", "-n", "reused", "vgtest"));
            Ok(Lvm2.Run("lvcreate", dev, "-an", "-Zn", "-L", "8M", "-n", "untouched", "vgtest"));
            Ok(Lvm2.Run("lvcreate", dev, "-an", "-Zn", "-L", "8M", "-n", "keeper", "vgtest"));
            Ok(Lvm2.Run("lvremove", dev, "-y", "vgtest/reused"));
            Ok(Lvm2.Run("lvcreate", dev, "-an", "-Zn", "-L", "8M", "-n", "taker", "vgtest"));
            Ok(Lvm2.Run("lvremove", dev, "-y", "vgtest/untouched"));
            AssertAdviceAgrees(image, loop.Path, expectRestorable: ["untouched"], expectRefused: ["reused"]);

            // The LV that took the extents goes away again: vgcfgrestore would now accept the old
            // LV, but its data may be overwritten: still refused, by both.
            Ok(Lvm2.Run("lvremove", dev, "-y", "vgtest/taker"));
            AssertAdviceAgrees(image, loop.Path, expectRestorable: ["untouched"], expectRefused: ["reused"]);
        }
    }

    private static void AssertAdviceAgrees(string image, string device, string[] expectRestorable, string[] expectRefused)
    {
        var history = Support.Cli.Run("history", image);
        Assert.Equal(0, history.ExitCode);
        var removed = history.Out.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains(": removed in seqno", StringComparison.Ordinal)).ToList();
        foreach (var lv in expectRestorable.Concat(expectRefused))
        {
            var line = Assert.Single(removed, l => l.TrimStart().StartsWith(lv + ":", StringComparison.Ordinal));
            var seqno = System.Text.RegularExpressions.Regex.Match(line, @"last defined in seqno (\d+)").Groups[1].Value;
            var file = Path.Combine(Fixtures.NewTempDir(), "restore.vg");
            var restore = Support.Cli.Run("restore-metadata", image, "--seqno", seqno, "--lv", lv, "-o", file);
            if (expectRestorable.Contains(lv))
            {
                Assert.Contains($"-> srrescue restore-metadata --seqno {seqno} --lv {lv} -o FILE", line);
                Assert.True(restore.ExitCode == 0, restore.Out + restore.Err);
                var test = Lvm2.Run("vgcfgrestore", [device], "--test", "-f", file, "vgtest");
                Assert.True(test.ExitCode == 0, test.All);
            }
            else
            {
                Assert.Contains("not restorable", line);
                Assert.DoesNotContain("-> srrescue restore-metadata", line);
                Assert.Equal(1, restore.ExitCode);
                Assert.False(File.Exists(file));
                Assert.Contains("taker", restore.Out + restore.Err);
            }
        }
    }

    private static void Ok(ExternalTool.Result r) => Assert.True(r.ExitCode == 0, r.All);
}
