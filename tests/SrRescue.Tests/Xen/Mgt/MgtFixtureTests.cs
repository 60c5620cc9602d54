using System.Text.Json;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Tests.Support;
using SrRescue.Xen.Mgt;
using Xunit.Abstractions;

namespace SrRescue.Tests.Xen.Mgt;

/// <summary>
/// The MGT of each shared fixture (written by the real srmetadata format, see fixtures/MANIFEST.md),
/// read out of the image through the LVM layer and parsed; every VDI of expected.json must be
/// named by it. The base offset handed to the parser is the MGT LV's absolute start in its image
/// (pv offset + pe_start + pe × extent size of its only segment), so record offsets are image offsets.
/// </summary>
public sealed class MgtFixtureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("lost_vdi")]
    [InlineData("snapshot_chain")]
    [InlineData("multi_pv")]
    [InlineData("mda_wiped_with_backup")]
    [InlineData("ring_wrapped")]
    [InlineData("gpt_local_sr")]
    public void Every_expected_vdi_is_named_by_the_mgt(string scenario)
    {
        var expected = Fixtures.Expected(scenario);
        var (content, log, image, baseOffset) = ReadMgt(scenario, expected);

        Assert.DoesNotContain(log, f => f.Severity != Severity.Info);
        Assert.Equal(MgtFormat.Current, content.Header.Format);
        Assert.Equal(expected.GetProperty("sr_uuid").GetString(), content.SrInfo.Uuid);
        Assert.Equal(MgtLvOffset(expected), baseOffset);
        AssertRecordsAreAtTheirImageOffsets(content, image);
        foreach (var vdi in expected.GetProperty("vdis").EnumerateArray())
        {
            var uuid = vdi.GetProperty("uuid").GetString()!;
            var choice = content.Find(uuid);
            Assert.True(choice is not null, $"{scenario}: no MGT record for {uuid}");
            var r = choice.Best;
            Assert.Equal(vdi.GetProperty("name_label").GetString(), r.NameLabel);
            Assert.Equal(vdi.GetProperty("deleted").GetBoolean(), r.IsDeleted);
            Assert.Equal(vdi.GetProperty("is_a_snapshot").GetBoolean(), r.IsASnapshot);
            Assert.Equal(vdi.GetProperty("snapshot_of").GetString(), r.SnapshotOf);
            Assert.Equal(vdi.GetProperty("read_only").GetBoolean(), r.ReadOnly);
            Assert.Equal(vdi.GetProperty("vdi_type").GetString(), r.VdiType);
            Assert.NotEqual(MgtRecordPlacement.LengthUnknown, r.Placement);
        }

        Report(scenario, content);
    }

    [Fact]
    public void Sr_recreated_keeps_the_old_names_as_stale_records()
    {
        const string scenario = "sr_recreated";
        var expected = Fixtures.Expected(scenario);
        var (content, log, image, _) = ReadMgt(scenario, expected);

        Assert.DoesNotContain(log, f => f.Severity != Severity.Info);
        Assert.Equal(2048, content.Header.LengthBytes);
        Assert.Equal(expected.GetProperty("new_sr").GetString(), content.SrInfo.Uuid);
        AssertRecordsAreAtTheirImageOffsets(content, image);
        var oldNames = expected.GetProperty("vdis").EnumerateArray()
            .ToDictionary(v => v.GetProperty("uuid").GetString()!, v => v.GetProperty("name_label").GetString());
        var stale = expected.GetProperty("stale_mgt_records").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.NotEmpty(stale);
        foreach (var uuid in stale)
        {
            var r = Assert.Single(content.Records, r => r.Uuid == uuid);
            Assert.Equal((MgtRecordPlacement.PastLength, oldNames[uuid]), (r.Placement, r.NameLabel));
        }

        Assert.Equal(stale.Order(), content.Records.Select(r => r.Uuid).Order());
        Report(scenario, content);
    }

    private (MgtContent Content, FindingLog Log, string Image, long BaseOffset) ReadMgt(string scenario, JsonElement expected)
    {
        var images = expected.GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!)).ToList();
        var backup = Fixtures.PathOf(scenario, "lvm-backup");
        using var insp = LvmInspection.Open(images, Directory.Exists(backup) ? backup : null);
        var vg = insp.Vg!.Newest!.Vg!;
        var lv = vg.FindLv("MGT")!;
        var log = new FindingLog();
        var volume = LvVolume.Open(vg, lv, insp.Pvs.FindPv, log);
        Assert.Equal(4L * 1024 * 1024, volume.Length);
        var bytes = volume.ReadBytes(0, (int)volume.Length);

        // Where the LV starts in its image: its single segment's first PE.
        var area = Assert.Single(lv.Segments).Areas[0];
        var pv = vg.FindPvByKey(area.Name)!;
        var pvInfo = expected.GetProperty("pvs").EnumerateArray().Single(p => p.GetProperty("pv_uuid").GetString() == pv.Id);
        var imageName = pvInfo.GetProperty("image").GetString()!;
        var baseOffset = pvInfo.GetProperty("offset").GetInt64() + (pv.PeStartSectors * 512) + (area.StartIndex * vg.ExtentSizeBytes);
        var content = MgtParser.Parse(bytes, baseOffset, log, imageName);
        return (content, log, Fixtures.Image(scenario, imageName), baseOffset);
    }

    private static long MgtLvOffset(JsonElement expected)
    {
        var lvs = expected.TryGetProperty("lvs", out var l) ? l : expected.GetProperty("old_lvs");
        var mgt = lvs.EnumerateArray().Single(x => x.GetProperty("name").GetString() == "MGT");
        return mgt.GetProperty("segments")[0].GetProperty("byte_offset").GetInt64();
    }

    /// <summary>OffsetBytes are image offsets: the image holds the record's first bytes there.</summary>
    private static void AssertRecordsAreAtTheirImageOffsets(MgtContent content, string image)
    {
        using var source = FileSource.Open(image);
        foreach (var r in content.Records)
        {
            Assert.Equal("<vdi>"u8.ToArray(), source.ReadBytes(r.OffsetBytes, 5));
        }
    }

    private void Report(string scenario, MgtContent content) =>
        output.WriteLine($"{scenario}: length {content.Header.LengthBytes}, live {content.Records.Count(r => r.IsLive)}, "
            + $"deleted inside {content.Records.Count(r => !r.IsStale && r.IsDeleted)}, stale {content.Records.Count(r => r.IsStale)} "
            + $"({content.Records.Count(r => r.IsStale && r.IsDeleted)} of them deleted), uuids {content.BestPerUuid().Count}");
}
