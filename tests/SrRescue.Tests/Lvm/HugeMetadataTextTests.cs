using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// Issue 15 item 2: 200,000 LVs in 52 MiB of metadata text (a backup file here) cost 28 s and
/// 1.4 GB in scan, history and list. A text larger than any real VG's metadata
/// (<see cref="Limits.MaxMetadataTextBytes"/>) is named and not read, instead of read cut short
/// (a cut text would show its last LVs as removed); the runtime's allocation counter bounds it.
/// </summary>
public sealed class HugeMetadataTextTests
{
    [Fact]
    public void A_backup_file_past_the_text_limit_is_named_and_not_read()
    {
        var folder = Fixtures.PathOf("mda_wiped_with_backup", "lvm-backup");
        var original = File.ReadAllText(Directory.GetFiles(folder).Single());
        var at = original.IndexOf("logical_volumes {", StringComparison.Ordinal) + "logical_volumes {".Length;
        var lvs = new StringBuilder();
        for (var n = 0; lvs.Length <= Limits.MaxMetadataTextBytes; n++)
        {
            lvs.Append($"\nlv{n} {{\nid = \"aaaaaa-aaaa-aaaa-aaaa-aaaa-aaaa-{n:D6}\"\nstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\nflags = []\nsegment_count = 1\n")
                .Append($"segment1 {{\nstart_extent = 0\nextent_count = 1\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", {n % 100}]\n}}\n}}\n");
        }

        var backup = Fixtures.NewTempDir();
        File.WriteAllText(Path.Combine(backup, "VG_huge.vg"), original[..at] + lvs + original[at..]);
        var image = Fixtures.Image("mda_wiped_with_backup");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var r = Support.Cli.Run("scan", image, "--lvm-backup", backup, "--json");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(r.ExitCode is 0 or 1, r.Out + r.Err);
        Assert.Contains(r.Json().GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "lvm.backup.too-large");
        Assert.True(allocated < 1L << 30, $"scan allocated {allocated >> 20} MiB");
    }
}
