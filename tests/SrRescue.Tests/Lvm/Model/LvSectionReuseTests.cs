using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm.Model;

/// <summary>
/// The history reads an LV section once and takes it again in the versions that repeat it
/// (<see cref="LvSectionReuse"/>). Held here to what reading every version alone gives: the same
/// summaries, changes and findings (offsets included), on edited lvm2 texts and on real rings.
/// </summary>
public sealed class LvSectionReuseTests
{
    private static string Seqno(string text, int seqno) => text.Replace("seqno = 7", $"seqno = {seqno}", once: true);

    [Fact]
    public void Unchanged_lv_sections_are_taken_again_and_changed_ones_read()
    {
        var reuse = new LvSectionReuse();
        var first = Read(Seqno(VgText.S2Backup, 7), reuse);
        reuse.Keep();
        var text = Seqno(VgText.S2Backup, 8).Replace("extent_count = 4\t# 4 Megabytes", "extent_count = 3\t# 3 Megabytes", once: true);
        var second = Read(text, reuse);

        Assert.Same(first.FindLv("striped"), second.FindLv("striped"));
        Assert.Same(first.FindLv("spanning"), second.FindLv("spanning"));
        Assert.NotSame(first.FindLv("small"), second.FindLv("small"));
        var alone = Read(text, reuse: null);
        Assert.Equal(Lvs(alone), Lvs(second));
    }

    [Fact]
    public void An_lv_whose_area_name_no_longer_names_a_pv_is_read_again()
    {
        var reuse = new LvSectionReuse();
        Read(Seqno(VgText.S2Backup, 7), reuse);
        reuse.Keep();

        // pv1's section gets another key: the LV sections, unchanged, still name "pv1".
        var text = Seqno(VgText.S2Backup, 8).Replace("\t\tpv1 {", "\t\tpvX {", once: true);
        var log = new FindingLog();
        var reread = Read(text, reuse, log);
        var aloneLog = new FindingLog();
        var alone = Read(text, reuse: null, aloneLog);

        Assert.NotEmpty(aloneLog);
        Assert.Equal(aloneLog, log);
        Assert.Equal(Lvs(alone), Lvs(reread));
    }

    [Fact]
    public void An_area_name_that_now_names_an_lv_instead_of_a_pv_is_read_again()
    {
        var reuse = new LvSectionReuse();
        Read(Seqno(VgText.S2Backup, 7), reuse);
        reuse.Keep();

        // "pv1" stops being a PV key and becomes an LV's name: the unchanged sections that name
        // it now point at that LV, which only asking again tells.
        var text = Seqno(VgText.S2Backup, 8).Replace("\t\tpv1 {", "\t\tpvX {", once: true).Replace("\t\tsmall {", "\t\tpv1 {", once: true);
        var log = new FindingLog();
        var reread = Read(text, reuse, log);
        var aloneLog = new FindingLog();
        var alone = Read(text, reuse: null, aloneLog);

        Assert.Equal(aloneLog, log);
        Assert.Equal(Lvs(alone), Lvs(reread));
        Assert.Contains(reread.FindLv("spanning")!.Segments.SelectMany(s => s.Areas), a => a is { Name: "pv1", IsPv: false });
    }

    [Fact]
    public void Edited_versions_give_the_history_of_each_version_read_alone()
    {
        var v7 = Seqno(VgText.S2Backup, 7);
        var v8 = VgText.RemoveSection(Seqno(VgText.S2Backup, 8), "\t\tsmall {");
        var v9 = Seqno(VgText.S2Backup, 9);
        var v10 = Seqno(VgText.S2Backup, 10).Replace("\t\tpv1 {", "\t\tpvX {", once: true);
        // An LV with a finding of its own (creation_time without creation_host), repeated in
        // two versions at different offsets: each version reports it at its own.
        var v11 = Seqno(VgText.S2Backup, 11).Replace("\t\t\tcreation_host = \"vm\"\n", "", once: false);
        var v100 = Seqno(VgText.S2Backup, 100).Replace("\t\t\tcreation_host = \"vm\"\n", "", once: false);
        var v101 = Seqno(VgText.S2Backup, 101);

        var log = AssertSameAsReadAlone([Copy(v7, 0), Copy(v8, 10_000), Copy(v9, 20_000), Copy(v10, 30_000), Copy(v11, 40_000), Copy(v100, 50_000), Copy(v101, 60_000)]);

        Assert.Contains(log, f => f.Message.StartsWith("seqno 10:", StringComparison.Ordinal));
        Assert.Equal(
            log.Where(f => f.Message.StartsWith("seqno 11:", StringComparison.Ordinal)).Select(f => f.Offset + 10_000),
            log.Where(f => f.Message.StartsWith("seqno 100:", StringComparison.Ordinal)).Select(f => f.Offset - 1));
    }

    [Theory]
    [InlineData("lvm-samples", "s1_wrapped_pv_first1MiB.img")]
    [InlineData("ring_wrapped", "disk.img")]
    [InlineData("lost_vdi", "disk.img")]
    [InlineData("snapshot_chain", "disk.img")]
    public void A_real_ring_gives_the_history_of_each_version_read_alone(string scenario, string image)
    {
        using var pvs = PvSet.Open([Fixtures.Image(scenario, image)], new FindingLog());
        var copies = pvs.Copies.ToList();
        Assert.True(copies.Count > 5, $"only {copies.Count} copies");
        AssertSameAsReadAlone(copies);
    }

    /// <summary>Builds the history and checks each version against <see cref="MetadataHistory.Parse"/> of its copy and the diff with the one before; returns the history's findings.</summary>
    private static FindingLog AssertSameAsReadAlone(IReadOnlyList<MetadataCopy> copies)
    {
        var log = new FindingLog();
        var history = MetadataHistory.Build(copies, log);
        var expected = new FindingLog();
        foreach (var vgHistory in history.Vgs)
        {
            VgMetadata? previous = null;
            foreach (var version in vgHistory.Versions)
            {
                var copy = version.Copies[0];
                var vg = copy.IsDamaged ? null : MetadataHistory.Parse(copy, expected);
                Assert.Equal(vg?.Lvs.Count, version.Summary?.LvCount);
                if (vg is null)
                {
                    continue;
                }

                Assert.Equal(vg.Lvs.Select(l => (l.Name, l.Id, string.Join(' ', l.PhysicalRanges(vg)))),
                    version.Summary!.Lvs.Select(l => (l.Name, l.Id, string.Join(' ', l.Ranges))));
                Assert.Equal((vg.CreationTime, vg.CreationHost, vg.Description), (version.Summary.CreationTime, version.Summary.CreationHost, version.Summary.Description));
                Assert.Equal(previous is null ? [] : MetadataDiff.Compare(previous, vg), version.Changes);
                previous = vg;
            }
        }

        Assert.Equal(expected, log.Where(f => f.Code is not "lvm.history.seqno-tie" and not "lvm.history.several-vgs"));
        return log;
    }

    private static VgMetadata Read(string text, LvSectionReuse? reuse, FindingLog? log = null)
    {
        log ??= new FindingLog();
        var bytes = Encoding.UTF8.GetBytes(text);
        var root = reuse is null ? ConfigParser.Parse(bytes, 0, log) : ConfigParser.Parse(bytes, 0, log, null, reuse);
        return VgMetadataReader.Read(root, log, 0, null, reuse: reuse)!;
    }

    private static List<string> Lvs(VgMetadata vg) =>
        [.. vg.Lvs.Select(l => $"{l.Name} {l.Id} {string.Join(',', l.Status)} {l.CreationTime} {l.CreationHost} {l.HasErrors} "
            + string.Join(' ', l.Segments.Select(s => $"{s.StartExtent}+{s.ExtentCount} {s.Type} {string.Join(',', s.Areas.Select(a => (a.Name, a.StartIndex, a.IsPv)))}")))];

    private static MetadataCopy Copy(string text, long offset)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\0");
        var seqno = long.Parse(text.AsSpan(text.IndexOf("seqno = ", StringComparison.Ordinal) + 8).ToString().Split('\n')[0]);
        return new MetadataCopy
        {
            Origin = CopyOrigin.BackupFile,
            Source = "edited",
            OffsetBytes = offset,
            SizeBytes = bytes.Length,
            Checksum = Crc32.ComputeLvm(bytes),
            VgName = "vgtwo",
            VgId = VgText.S2VgId,
            Seqno = seqno,
            Utf8 = bytes.AsMemory(0, bytes.Length - 1),
        };
    }
}
