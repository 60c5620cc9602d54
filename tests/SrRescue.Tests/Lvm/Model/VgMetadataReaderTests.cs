using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;
using SrRescue.Tests.Lvm.Text;

namespace SrRescue.Tests.Lvm.Model;

/// <summary>The model of real copies, checked against what lvm2's own tools said (samples README, s2_lvs_after_restore.txt).</summary>
public class VgMetadataReaderTests
{
    [Fact]
    public void S2_backup_vg_and_pvs()
    {
        var vg = LvmSamples.ModelOf(LvmSamples.S2Backup);
        Assert.Equal("vgtwo", vg.Name);
        Assert.Equal(VgText.S2VgId, vg.Id);
        Assert.Equal(7, vg.Seqno);
        Assert.Equal(2048, vg.ExtentSizeSectors);
        Assert.Equal(1024 * 1024, vg.ExtentSizeBytes);
        Assert.Equal(["RESIZEABLE", "READ", "WRITE"], vg.Status);
        Assert.Equal("vgcfgbackup -f s2_vgcfgbackup.vg vgtwo", vg.Description);
        Assert.Equal("vm", vg.CreationHost);
        Assert.Equal(1795238146, vg.CreationTime);

        Assert.Equal(["pv0", "pv1"], vg.Pvs.Select(p => p.Key));
        Assert.Equal([VgText.S2Pv0Id, VgText.S2Pv1Id], vg.Pvs.Select(p => p.Id));
        Assert.Equal([62L, 63L], vg.Pvs.Select(p => p.PeCount));
        Assert.All(vg.Pvs, p => Assert.Equal((2048L, 131072L), (p.PeStartSectors, p.DevSizeSectors!.Value)));
        Assert.Equal("/dev/loop2", vg.FindPvByKey("pv1")!.Device);
        Assert.Same(vg.FindPvByKey("pv1"), vg.FindPvById(VgText.S2Pv1Id));
        Assert.Null(vg.FindPvByKey("pv2"));
        Assert.Null(vg.FindPvById(""));
    }

    [Fact]
    public void S2_striped_lv_has_two_stripes_of_128_sectors()
    {
        var vg = LvmSamples.ModelOf(LvmSamples.S2Backup);
        var lv = vg.FindLv("striped")!;
        Assert.Equal("ZeNRfA-OfVH-FfF4-Oh62-cPsv-lVWd-gakDpT", lv.Id);
        Assert.True(lv.IsVisible);
        Assert.False(lv.HasErrors);
        Assert.Equal(8, lv.ExtentCount);
        var seg = Assert.Single(lv.Segments);
        Assert.Equal(("striped", 2, 128L, 0L, 8L), (seg.Type, seg.StripeCount, seg.StripeSizeSectors!.Value, seg.StartExtent, seg.ExtentCount));
        Assert.True(seg.IsStriped);
        Assert.Equal(4, seg.AreaLengthExtents);
        Assert.Equal([new SegmentArea("pv0", 0, true), new SegmentArea("pv1", 0, true)],
            seg.Areas.Select(a => a with { Offset = -1 }));

        // lvs: striped 0 /dev/loop1:0-3 /dev/loop2:0-3
        Assert.Equal([new PhysicalExtentRange(VgText.S2Pv0Id, 0, 4), new PhysicalExtentRange(VgText.S2Pv1Id, 0, 4)],
            lv.PhysicalRanges(vg));
    }

    [Fact]
    public void S2_spanning_lv_has_two_linear_segments_on_both_pvs()
    {
        var vg = LvmSamples.ModelOf(LvmSamples.S2Backup);
        var lv = vg.FindLv("spanning")!;
        Assert.Equal(70, lv.ExtentCount);
        Assert.Equal([(0L, 58L), (58L, 12L)], lv.Segments.Select(s => (s.StartExtent, s.ExtentCount)));
        Assert.All(lv.Segments, s => Assert.Equal((1, (long?)null), (s.StripeCount, s.StripeSizeSectors)));

        // lvs: spanning 0 /dev/loop1:4-61, spanning 58 /dev/loop2:4-15
        Assert.Equal([new PhysicalExtentRange(VgText.S2Pv0Id, 4, 58), new PhysicalExtentRange(VgText.S2Pv1Id, 4, 12)],
            lv.PhysicalRanges(vg));
    }

    [Fact]
    public void S2_small_lv_tags_and_creation()
    {
        var vg = LvmSamples.ModelOf(LvmSamples.S2Backup);
        var lv = vg.FindLv("small")!;
        Assert.Same(lv, vg.FindLvById(VgText.SmallId));
        Assert.Equal(["after_ignore"], lv.Tags);
        Assert.Equal(["READ", "WRITE", "VISIBLE"], lv.Status);
        Assert.Empty(lv.Flags);
        Assert.Equal((1795238146L, "vm"), (lv.CreationTime!.Value, lv.CreationHost!));
        Assert.Equal([new PhysicalExtentRange(VgText.S2Pv1Id, 16, 4)], lv.PhysicalRanges(vg));
        Assert.Same(lv.Section, vg.Section.FindSection("logical_volumes")!.FindSection("small"));
        Assert.Equal(VgText.S2Backup.At("small {"), lv.Offset);
    }

    [Fact]
    public void On_disk_layout_with_the_vg_first_reads_the_same()
    {
        var copy = LvmSamples.WrappedCopies[^1];
        var log = new FindingLog();
        var vg = VgMetadataReader.Read(ConfigParser.Parse(copy.Text, copy.Offset, log, "ring"), log, copy.Offset, "ring")!;
        Assert.Empty(log);
        var backup = LvmSamples.ModelOf(LvmSamples.S1Backup);
        Assert.Equal((backup.Name, backup.Id, backup.Seqno, backup.ExtentSizeSectors), (vg.Name, vg.Id, vg.Seqno, vg.ExtentSizeSectors));
        Assert.Equal(copy.Offset, vg.Offset);
        Assert.Equal("Write from lvremove -y vgwrap/churn1489.", vg.Description);
        var lv = Assert.Single(vg.Lvs);
        Assert.Equal(backup.Lvs[0].Tags, lv.Tags);
        Assert.Equal(backup.Lvs[0].PhysicalRanges(backup), lv.PhysicalRanges(vg));
        Assert.Empty(MetadataDiff.Compare(backup, vg));
    }

    [Fact]
    public void Vg_without_lvs_has_no_logical_volumes_section()
    {
        var text = VgText.RemoveSection(VgText.S2Current, "logical_volumes {");
        var vg = LvmSamples.Model(text);
        Assert.Empty(vg.Lvs);
        Assert.Null(vg.FindLv("striped"));
    }

    [Fact]
    public void Linear_type_is_accepted_like_one_stripe()
    {
        var text = VgText.S2Backup;
        var smallSegment = text.At("extent_count = 4\t# 4 Megabytes");
        text = text[..smallSegment] + text[smallSegment..]
            .Replace("type = \"striped\"\n\t\t\t\tstripe_count = 1\t# linear", "type = \"linear\"", once: false);
        var vg = LvmSamples.Model(text);
        var seg = vg.FindLv("small")!.Segments[0];
        Assert.Equal(("linear", 1, true), (seg.Type, seg.StripeCount, seg.IsStriped));
        Assert.Equal([new PhysicalExtentRange(VgText.S2Pv1Id, 16, 4)], vg.FindLv("small")!.PhysicalRanges(vg));
    }

    [Fact]
    public void Text_without_any_section_gives_null_and_a_finding()
    {
        var log = new FindingLog();
        Assert.Null(VgMetadataReader.Read(LvmSamples.Parse("contents = \"Text Format Volume Group\"\nversion = 1\n"), log, 4096, "x"));
        var f = Assert.Single(log);
        Assert.Equal(("lvm.vg.missing", Severity.Error, 4096L, "x"), (f.Code, f.Severity, f.Offset, f.Source));
    }
}
