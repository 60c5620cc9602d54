using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;
using SrRescue.Tests.Lvm.Text;

namespace SrRescue.Tests.Lvm.Model;

/// <summary>
/// One test per validation rule (DESIGN.md, tests 1): a real backup file with one thing changed;
/// the finding's code, severity and byte offset are asserted, and a model is still returned.
/// </summary>
public class VgValidationTests
{
    private const long Base = 8192;

    private static (VgMetadata Vg, IReadOnlyList<Finding> Findings) Read(string text)
    {
        var log = new FindingLog();
        var root = ConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(text), Base, log, "edited");
        var vg = VgMetadataReader.Read(root, log, Base, "edited");
        return (Assert.IsType<VgMetadata>(vg), log.Snapshot());
    }

    private static Finding Only(IReadOnlyList<Finding> findings, string code, Severity severity, long index)
    {
        var f = Assert.Single(findings);
        Assert.Equal((code, severity, Base + index, "edited"), (f.Code, f.Severity, f.Offset, f.Source));
        return f;
    }

    [Fact]
    public void Missing_vg_id()
    {
        var text = VgText.S2Backup.Replace($"\tid = \"{VgText.S2VgId}\"\n", "", once: true);
        var (vg, findings) = Read(text);
        var f = Only(findings, "lvm.vg.missing-key", Severity.Error, text.At("vgtwo {"));
        Assert.Equal("id", f.Computed);
        Assert.Equal("", vg.Id);
        Assert.Equal(3, vg.Lvs.Count);
    }

    [Fact]
    public void Missing_seqno()
    {
        var text = VgText.S2Backup.Replace("\tseqno = 7\n", "", once: true);
        var (vg, findings) = Read(text);
        Only(findings, "lvm.vg.missing-key", Severity.Error, text.At("vgtwo {"));
        Assert.Equal(0, vg.Seqno);
    }

    [Fact]
    public void Seqno_that_is_not_a_number()
    {
        var text = VgText.S2Backup.Replace("seqno = 7", "seqno = \"7\"", once: true);
        var (_, findings) = Read(text);
        Only(findings, "lvm.vg.bad-value", Severity.Error, text.At("seqno"));
    }

    [Fact]
    public void Missing_physical_volumes()
    {
        var text = VgText.RemoveSection(VgText.S2Backup, "physical_volumes {");
        var (vg, findings) = Read(text);
        Assert.Equal("lvm.vg.missing-key", findings[0].Code);
        Assert.Equal(Base + text.At("vgtwo {"), findings[0].Offset);
        Assert.Empty(vg.Pvs);
        Assert.Contains(findings, f => f.Code == "lvm.lv.unknown-area"); // pv0/pv1 no longer resolve
    }

    [Fact]
    public void Missing_pv_pe_count()
    {
        var text = VgText.S2Backup.Replace("\t\t\tpe_count = 63\t# 63 Megabytes\n", "", once: true);
        var (vg, findings) = Read(text);
        Assert.Equal("lvm.pv.missing-key", findings[0].Code);
        Assert.Equal(Base + text.At("pv1 {"), findings[0].Offset);
        Assert.Equal(0, vg.FindPvByKey("pv1")!.PeCount);
        Assert.All(findings.Skip(1), f => Assert.Equal("lvm.lv.beyond-pv", f.Code)); // every area on pv1 is now outside it
    }

    [Fact]
    public void Duplicate_pv_id()
    {
        var text = VgText.S2Backup.Replace(VgText.S2Pv1Id, VgText.S2Pv0Id, once: true);
        var (_, findings) = Read(text);
        Only(findings, "lvm.pv.duplicate-id", Severity.Error, text.At("pv1 {") + text[text.At("pv1 {")..].At("id ="));
    }

    [Fact]
    public void Segment_count_mismatch()
    {
        var text = VgText.S2Backup.Replace("segment_count = 2", "segment_count = 3", once: true);
        var (vg, findings) = Read(text);
        var f = Only(findings, "lvm.lv.segment-count", Severity.Error, text.At("segment_count = 3"));
        Assert.Equal(("3", "2"), (f.Stored, f.Computed));
        Assert.True(vg.FindLv("spanning")!.HasErrors);
        Assert.False(vg.FindLv("small")!.HasErrors);
    }

    [Fact]
    public void Overlapping_segments()
    {
        var text = VgText.S2Backup.Replace("start_extent = 58", "start_extent = 50", once: true);
        var (vg, findings) = Read(text);
        var spanning = text.At("spanning {");
        var f = Only(findings, "lvm.lv.extent-overlap", Severity.Error, spanning + text[spanning..].At("segment2 {"));
        Assert.Equal(("50", "58"), (f.Stored, f.Computed));
        Assert.True(vg.FindLv("spanning")!.HasErrors);
    }

    [Fact]
    public void Gap_between_segments()
    {
        var text = VgText.S2Backup.Replace("start_extent = 58", "start_extent = 60", once: true);
        var (_, findings) = Read(text);
        var spanning = text.At("spanning {");
        Only(findings, "lvm.lv.extent-gap", Severity.Error, spanning + text[spanning..].At("segment2 {"));
    }

    [Fact]
    public void Segments_are_ordered_by_start_extent_not_by_name_or_position()
    {
        // Write spanning's second segment first, under the name segment1, and the first one as segment2.
        var text = VgText.S2Backup;
        var first = text.At("\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 58");
        var second = text.At("\t\t\tsegment2 {");
        var end = second + text[second..].At("\t\t\t}\n") + "\t\t\t}\n".Length;
        var swapped = text[..first] + text[second..end].Replace("segment2", "segment1", once: true) +
            text[first..second].Replace("segment1", "segment2", once: true) + text[end..];
        var (vg, findings) = Read(swapped);
        Assert.Empty(findings);
        var spanning = vg.FindLv("spanning")!;
        Assert.Equal([("segment2", 0L), ("segment1", 58L)], spanning.Segments.Select(s => (s.Key, s.StartExtent)));
        Assert.Equal(LvmSamples.ModelOf(LvmSamples.S2Backup).FindLv("spanning")!.PhysicalRanges(vg), spanning.PhysicalRanges(vg));
    }

    [Fact]
    public void Area_naming_an_unknown_pv()
    {
        var text = VgText.S2Backup.Replace("\"pv1\", 16", "\"pv7\", 16", once: true);
        var (vg, findings) = Read(text);
        var f = Only(findings, "lvm.lv.unknown-area", Severity.Error, text.At("\"pv7\""));
        Assert.Equal("pv7", f.Stored);
        var area = vg.FindLv("small")!.Segments[0].Areas[0];
        Assert.Equal(("pv7", 16L, false), (area.Name, area.StartIndex, area.IsPv));
        Assert.Empty(vg.FindLv("small")!.PhysicalRanges(vg));
    }

    [Fact]
    public void Stripes_not_dividing_extent_count()
    {
        var text = VgText.S2Backup.Replace("extent_count = 8\t", "extent_count = 7\t", once: true);
        var (_, findings) = Read(text);
        var f = Only(findings, "lvm.lv.bad-stripes", Severity.Error, text.At("stripe_count = 2"));
        Assert.Equal("7", f.Stored);
    }

    [Fact]
    public void Stripe_count_not_matching_the_areas()
    {
        var text = VgText.S2Backup.Replace("stripe_count = 2\n", "stripe_count = 4\n", once: true)
            .Replace("extent_count = 8\t", "extent_count = 16\t", once: true);
        var (_, findings) = Read(text);
        var f = Assert.Single(findings, f => f.Code == "lvm.lv.bad-stripes");
        Assert.Equal(Base + text.At("stripe_count = 4"), f.Offset);
        Assert.Equal(("4", "2"), (f.Stored, f.Computed));
    }

    [Fact]
    public void Striped_without_stripe_size()
    {
        var text = VgText.S2Backup.Replace("\t\t\t\tstripe_size = 128\t# 64 Kilobytes\n", "", once: true);
        var (_, findings) = Read(text);
        var striped = text.At("striped {");
        Only(findings, "lvm.lv.missing-key", Severity.Error, striped + text[striped..].At("segment1 {"));
    }

    [Fact]
    public void Unknown_segment_type_is_info_and_kept()
    {
        var small = VgText.S2Backup.At("small {");
        var text = VgText.S2Backup[..small] + VgText.S2Backup[small..].Replace("type = \"striped\"", "type = \"quantum+FUTURE\"", once: true);
        var (vg, findings) = Read(text);
        var f = Only(findings, "lvm.lv.segment-type", Severity.Info, small + text[small..].At("type ="));
        Assert.Contains("unknown", f.Message);
        var seg = vg.FindLv("small")!.Segments[0];
        Assert.Equal(("quantum+FUTURE", "quantum", false), (seg.Type, seg.BaseType, seg.IsStriped));
        Assert.Equal(4, seg.AreaLengthExtents);
        Assert.False(vg.FindLv("small")!.HasErrors);
    }

    [Theory]
    [InlineData("thin")]
    [InlineData("mirror")]
    [InlineData("raid1")]
    [InlineData("snapshot")]
    [InlineData("cache")]
    [InlineData("thin-pool")]
    public void Known_non_striped_types_are_info(string type)
    {
        var small = VgText.S2Backup.At("small {");
        var text = VgText.S2Backup[..small] + VgText.S2Backup[small..].Replace("type = \"striped\"", $"type = \"{type}\"", once: true);
        var (vg, findings) = Read(text);
        var f = Only(findings, "lvm.lv.segment-type", Severity.Info, small + text[small..].At("type ="));
        Assert.Contains("recognised", f.Message);
        Assert.Equal(type, vg.FindLv("small")!.Segments[0].Type);
    }

    [Fact]
    public void Two_lvs_on_the_same_extents()
    {
        var text = VgText.S2Backup.Replace("\"pv1\", 16", "\"pv1\", 14", once: true);
        var (vg, findings) = Read(text);
        var f = Only(findings, "lvm.vg.extent-conflict", Severity.Error, text.At("small {"));
        Assert.Contains("14-15 of pv1", f.Message);
        Assert.Contains("spanning", f.Message);
        Assert.True(vg.FindLv("small")!.HasErrors);
        Assert.True(vg.FindLv("spanning")!.HasErrors);
        Assert.False(vg.FindLv("striped")!.HasErrors);
    }

    [Fact]
    public void Area_past_the_end_of_its_pv()
    {
        var text = VgText.S2Backup.Replace("\"pv1\", 16", "\"pv1\", 60", once: true);
        var (_, findings) = Read(text);
        var f = Only(findings, "lvm.lv.beyond-pv", Severity.Error, text.At("\"pv1\", 60"));
        Assert.Equal(("64", "<= 63"), (f.Stored, f.Computed));
    }

    [Fact]
    public void Lv_without_id_and_duplicate_lv_id()
    {
        var text = VgText.S2Backup.Replace($"id = \"{VgText.SmallId}\"", "id = \"ZeNRfA-OfVH-FfF4-Oh62-cPsv-lVWd-gakDpT\"", once: true);
        var (vg, findings) = Read(text);
        var small = text.At("small {");
        Only(findings, "lvm.lv.duplicate-id", Severity.Error, small + text[small..].At("id ="));
        Assert.True(vg.FindLv("small")!.HasErrors);

        text = VgText.S2Backup.Replace($"\t\t\tid = \"{VgText.SmallId}\"\n", "", once: true);
        (vg, findings) = Read(text);
        Only(findings, "lvm.lv.missing-key", Severity.Error, text.At("small {"));
        Assert.Equal("", vg.FindLv("small")!.Id);
    }

    [Fact]
    public void Missing_header_keys_are_warnings()
    {
        var text = VgText.S2Backup.Replace("contents = \"Text Format Volume Group\"\nversion = 1\n", "", once: true);
        var (_, findings) = Read(text);
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(("lvm.vg.header", Severity.Warning, Base), (f.Code, f.Severity, f.Offset)));
    }

    [Fact]
    public void Hidden_sub_lvs_are_resolved_by_name()
    {
        var text = MirrorVg.Text;
        var (vg, findings) = Read(text);
        Assert.All(findings, f => Assert.Equal("lvm.lv.segment-type", f.Code));
        var mirror = vg.FindLv("mir")!;
        Assert.True(mirror.IsVisible);
        var seg = Assert.Single(mirror.Segments);
        Assert.Equal(["mir_mimage_0", "mir_mimage_1"], seg.Areas.Select(a => a.Name));
        Assert.All(seg.Areas, a => Assert.False(a.IsPv));
        Assert.Equal(["mir_mlog"], seg.ReferencedLvNames);
        Assert.Empty(mirror.PhysicalRanges(vg));
        Assert.False(vg.FindLv("mir_mimage_0")!.IsVisible);
        Assert.Equal([new PhysicalExtentRange(VgText.S2Pv1Id, 30, 4)], vg.FindLv("mir_mimage_1")!.PhysicalRanges(vg));
    }
}
