using SrRescue.Lvm.Model;
using SrRescue.Tests.Lvm.Text;

namespace SrRescue.Tests.Lvm.Model;

public class MetadataDiffTests
{
    private static readonly VgMetadata Seq7 = LvmSamples.ModelOf(LvmSamples.S2Backup);

    private static IReadOnlyList<LvChange> Diff(string newer) => MetadataDiff.Compare(Seq7, LvmSamples.Model(newer));

    [Fact]
    public void Real_history_seqno_7_to_9_small_removed_and_striped_tagged()
    {
        var changes = MetadataDiff.Compare(Seq7, LvmSamples.ModelOf(LvmSamples.S2Current));
        Assert.Equal(2, changes.Count);
        var tagged = changes[0];
        Assert.Equal((LvChangeKind.Changed, "striped", (string?)null), (tagged.Kind, tagged.LvName, tagged.OldName));
        Assert.Equal("tags: +later", tagged.Detail);
        var removed = changes[1];
        Assert.Equal((LvChangeKind.Removed, "small", VgText.SmallId, 4L, 0L),
            (removed.Kind, removed.LvName, removed.Id, removed.OldExtentCount, removed.NewExtentCount));
        Assert.Contains($"pv1 ({VgText.S2Pv1Id}) PE 16-19", removed.Detail);
    }

    [Fact]
    public void Created()
    {
        var changes = MetadataDiff.Compare(LvmSamples.ModelOf(LvmSamples.S2Current), Seq7);
        var created = Assert.Single(changes, c => c.Kind == LvChangeKind.Created);
        Assert.Equal(("small", 0L, 4L), (created.LvName, created.OldExtentCount, created.NewExtentCount));
    }

    [Fact]
    public void Resized()
    {
        var changes = Diff(VgText.S2Backup.Replace("extent_count = 12\t", "extent_count = 10\t", once: true));
        var c = Assert.Single(changes);
        Assert.Equal((LvChangeKind.Resized, "spanning", 70L, 68L), (c.Kind, c.LvName, c.OldExtentCount, c.NewExtentCount));
    }

    [Fact]
    public void Renamed_keeps_the_id()
    {
        var changes = Diff(VgText.S2Backup.Replace("\t\tsmall {", "\t\tVHD-renamed {", once: true));
        var c = Assert.Single(changes);
        Assert.Equal((LvChangeKind.Renamed, "VHD-renamed", "small", VgText.SmallId), (c.Kind, c.LvName, c.OldName, c.Id));
    }

    [Fact]
    public void Renamed_and_resized_give_two_changes()
    {
        var text = VgText.S2Backup.Replace("\t\tsmall {", "\t\ttiny {", once: true)
            .Replace("extent_count = 4\t# 4 Megabytes", "extent_count = 2", once: true);
        var changes = Diff(text);
        Assert.Equal([LvChangeKind.Renamed, LvChangeKind.Resized], changes.Select(c => c.Kind));
        Assert.All(changes, c => Assert.Equal(("tiny", "small"), (c.LvName, c.OldName)));
    }

    [Fact]
    public void Moved_same_size_other_extents()
    {
        var changes = Diff(VgText.S2Backup.Replace("\"pv1\", 16", "\"pv1\", 30", once: true));
        var c = Assert.Single(changes);
        Assert.Equal((LvChangeKind.Moved, "small", 4L, 4L), (c.Kind, c.LvName, c.OldExtentCount, c.NewExtentCount));
        Assert.Contains("PE 16-19", c.Detail);
        Assert.Contains("PE 30-33", c.Detail);
    }

    [Fact]
    public void Pv_key_renumbering_is_not_a_move()
    {
        var swapped = VgText.SwapPvKeys(VgText.S2Backup);
        var vg = LvmSamples.Model(swapped);
        Assert.Equal(VgText.S2Pv1Id, vg.FindPvByKey("pv0")!.Id);
        Assert.Empty(MetadataDiff.Compare(Seq7, vg));
        Assert.Empty(MetadataDiff.Compare(vg, Seq7));
    }

    [Fact]
    public void Same_pv_key_on_another_pv_id_is_a_move()
    {
        // Only the ids swap: "pv1" now means the other disk, so small's data is elsewhere.
        var text = VgText.S2Backup.Replace(VgText.S2Pv0Id, "TMPTMP-TMPT-TMPT-TMPT-TMPT-TMPT-TMPTMP", once: true)
            .Replace(VgText.S2Pv1Id, VgText.S2Pv0Id, once: true)
            .Replace("TMPTMP-TMPT-TMPT-TMPT-TMPT-TMPT-TMPTMP", VgText.S2Pv1Id, once: true);
        var log = new SrRescue.Diagnostics.FindingLog();
        var vg = VgMetadataReader.Read(LvmSamples.Parse(text, log), log, 0, null)!;
        var changes = MetadataDiff.Compare(Seq7, vg);
        Assert.Contains(changes, c => c.Kind == LvChangeKind.Moved && c.LvName == "small");
        Assert.Contains(changes, c => c.Kind == LvChangeKind.Moved && c.LvName == "spanning");
    }

    [Fact]
    public void Same_name_with_another_id_is_removed_and_created()
    {
        var changes = Diff(VgText.S2Backup.Replace(VgText.SmallId, "NewNew-ITkV-1rTt-KqgP-sbiR-vo3h-RamCvU", once: true));
        Assert.Equal([LvChangeKind.Created, LvChangeKind.Removed], changes.Select(c => c.Kind));
        Assert.All(changes, c => Assert.Equal("small", c.LvName));
    }

    [Fact]
    public void Lv_without_id_is_matched_by_name()
    {
        var text = VgText.S2Backup.Replace($"\t\t\tid = \"{VgText.SmallId}\"\n", "", once: true);
        var log = new SrRescue.Diagnostics.FindingLog();
        var damaged = VgMetadataReader.Read(LvmSamples.Parse(text, log), log, 0, null)!;
        Assert.Empty(MetadataDiff.Compare(Seq7, damaged));
    }

    [Fact]
    public void Status_and_flags_changes()
    {
        var small = VgText.S2Backup.At("small {");
        var text = VgText.S2Backup[..small] + VgText.S2Backup[small..]
            .Replace("status = [\"READ\", \"WRITE\", \"VISIBLE\"]\n\t\t\tflags = []", "status = [\"READ\", \"VISIBLE\"]\n\t\t\tflags = [\"ACTIVATION_SKIP\"]", once: true);
        var c = Assert.Single(Diff(text));
        Assert.Equal(LvChangeKind.Changed, c.Kind);
        Assert.Equal("status: -WRITE; flags: +ACTIVATION_SKIP", c.Detail);
    }

    [Fact]
    public void Identical_copies_have_no_changes()
    {
        Assert.Empty(MetadataDiff.Compare(Seq7, LvmSamples.ModelOf(LvmSamples.S2Backup)));
    }
}
