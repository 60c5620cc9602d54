using SrRescue.Tests.Support;

namespace SrRescue.Tests.Io;

/// <summary>
/// Issue 15 item 5: outputs on a full disk. Each output is written under a temporary name in its
/// folder and renamed only when complete and flushed, so a full disk (a 1 MiB tmpfs this test
/// mounts and unmounts) leaves no partial file under the output's name, no temporary file, and an
/// existing output given with --force untouched.
/// </summary>
public sealed class FullDiskOutputTests
{
    [Fact]
    public void A_full_disk_leaves_no_partial_output_and_keeps_an_existing_one()
    {
        var image = Fixtures.Image("lost_vdi");
        var vdi = Fixtures.Expected("lost_vdi").GetProperty("vdis")[0].GetProperty("uuid").GetString()!;

        // Each step on a 1 MiB file system of its own, so that one step's outcome cannot decide
        // the next's; each must leave nothing behind but what the test put there.
        OnFullDisk(mount =>
        {
            // export --lv: 28 MiB of LV into 1 MiB.
            var lv = Path.Combine(mount, "lv.bin");
            var r = Support.Cli.Run("export", image, "--lv", "VHD-" + vdi, "-o", lv);
            Assert.True(r.ExitCode == 3, r.Out + r.Err);
            NothingLeftIn(mount);
        });

        OnFullDisk(mount =>
        {
            // export --vdi over an existing file with --force: the old file stays as it was.
            var kept = Path.Combine(mount, "kept.raw");
            File.WriteAllText(kept, "the old export");
            var r = Support.Cli.Run("export", image, "--vdi", vdi, "--format", "raw", "-o", kept, "--force");
            Assert.True(r.ExitCode == 3, r.Out + r.Err);
            Assert.Equal("the old export", File.ReadAllText(kept));
            NothingLeftIn(mount, "kept.raw");
        });

        OnFullDisk(mount =>
        {
            // vhd repair of a 30 MiB VHD.
            var vhd = Fixtures.Image("vhd_damaged", "c-bat-orphans.vhd");
            var r = Support.Cli.Run("vhd", "repair", vhd, "-o", Path.Combine(mount, "repaired.vhd"));
            Assert.True(r.ExitCode == 3, r.Out + r.Err);
            NothingLeftIn(mount);
        });
    }

    /// <summary>Runs <paramref name="step"/> on a 1 MiB tmpfs this test mounts and unmounts.</summary>
    private static void OnFullDisk(Action<string> step)
    {
        var mount = Path.Combine(Fixtures.NewTempDir(), "full");
        Directory.CreateDirectory(mount);
        var m = ExternalTool.Run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]);
        Assert.True(m.ExitCode == 0, m.All);
        try
        {
            step(mount);
        }
        finally
        {
            ExternalTool.Run("umount", [mount]);
        }
    }

    [Fact]
    public void An_output_in_a_missing_folder_is_created_by_every_command()
    {
        var dir = Path.Combine(Fixtures.NewTempDir(), "new", "folder");
        var image = Fixtures.Image("lost_vdi");
        var r = Support.Cli.Run("export", image, "--lv", "MGT", "-o", Path.Combine(dir, "mgt.bin"));
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        r = Support.Cli.Run("restore-metadata", image, "--seqno", "26", "-o", Path.Combine(dir, "more", "r.vg"));
        Assert.True(r.ExitCode is 0 or 1, r.Out + r.Err);
        Assert.True(File.Exists(Path.Combine(dir, "mgt.bin")));
        Assert.True(File.Exists(Path.Combine(dir, "more", "r.vg")));
    }

    /// <summary>A failed output leaves nothing behind: a temporary file would keep the space it took.</summary>
    private static void NothingLeftIn(string folder, params string[] kept)
    {
        var left = Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => !kept.Contains(n)).ToList();
        Assert.True(left.Count == 0, $"left behind in {folder}: {string.Join(", ", left)}");
    }
}
