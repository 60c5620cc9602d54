using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// LVs as readable volumes over PVs whose every 512-byte sector carries its own PV and offset, so
/// each byte read shows where it came from (lvm2.md 3.9; sample s2: 1 MiB extents, pe_start 1 MiB).
/// </summary>
public sealed class LvVolumeTests
{
    private const long Mib = 1 << 20;

    [Fact]
    public void Striped_lv_follows_dm_stripe_chunks_across_both_pvs()
    {
        var (vg, pvs) = Load();
        var lv = vg.FindLv("striped")!;
        var volume = LvVolume.Open(vg, lv, pvs, new FindingLog());
        Assert.Equal(8 * Mib, volume.Length);
        Assert.Empty(volume.UnmappedRanges);
        // Chunk c (64 KiB) is on stripe c % 2, row c / 2; both stripes start at PE 0 (byte 1 MiB).
        foreach (var chunk in new long[] { 0, 1, 2, 3, 63, 64, 127 })
        {
            var pv = chunk % 2 == 0 ? "A" : "B";
            var pvOffset = Mib + ((chunk / 2) * 65536);
            Assert.Equal(Marker(pv, pvOffset), ReadSector(volume, chunk * 65536));
            Assert.Equal(Marker(pv, pvOffset + 512), ReadSector(volume, (chunk * 65536) + 512));
        }
    }

    [Fact]
    public void Linear_segments_are_read_in_logical_order_across_pvs()
    {
        var (vg, pvs) = Load();
        var lv = vg.FindLv("spanning")!;
        var volume = LvVolume.Open(vg, lv, pvs, new FindingLog());
        foreach (var seg in lv.Segments)
        {
            var area = seg.Areas[0];
            var pv = vg.FindPvByKey(area.Name)!.Key == "pv0" ? "A" : "B";
            var logical = seg.StartExtent * Mib;
            Assert.Equal(Marker(pv, Mib + (area.StartIndex * Mib)), ReadSector(volume, logical));
            var last = logical + (seg.ExtentCount * Mib) - 512;
            Assert.Equal(Marker(pv, Mib + (area.StartIndex * Mib) + (seg.ExtentCount * Mib) - 512), ReadSector(volume, last));
        }
    }

    [Fact]
    public void A_missing_pv_leaves_its_ranges_unmapped_and_zero()
    {
        var (vg, pvs) = Load();
        var volume = LvVolume.Open(vg, vg.FindLv("small")!, id => id == vg.FindPvByKey("pv1")!.Id ? null : pvs(id), new FindingLog());
        var range = Assert.Single(volume.UnmappedRanges);
        Assert.Equal(0, range.OffsetBytes);
        Assert.Equal(volume.Length, range.LengthBytes);
        Assert.Contains("not among the sources", range.Reason);
        Assert.All(volume.ReadBytes(0, 4096), b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_gap_between_segments_is_reported_and_reads_as_zeros()
    {
        var (vg, pvs) = Load();
        var lv = vg.FindLv("spanning")!;
        var second = lv.Segments.OrderBy(s => s.StartExtent).Last();
        var gapped = lv with { Segments = [.. lv.Segments.Where(s => s != lv.Segments.OrderBy(x => x.StartExtent).First())] };
        var volume = LvVolume.Open(vg, gapped, pvs, new FindingLog());
        var range = Assert.Single(volume.UnmappedRanges);
        Assert.Equal(0, range.OffsetBytes);
        Assert.Equal(second.StartExtent * Mib, range.LengthBytes);
        Assert.All(volume.ReadBytes(0, 4096), b => Assert.Equal(0, b));
        Assert.Equal(Marker(second.Areas[0].Name == "pv0" ? "A" : "B", Mib + (second.Areas[0].StartIndex * Mib)), ReadSector(volume, second.StartExtent * Mib));
    }

    private static string ReadSector(IByteSource volume, long offset) =>
        System.Text.Encoding.ASCII.GetString(volume.ReadBytes(offset, 512)).TrimEnd('\0');

    private static string Marker(string pv, long offset) => $"{pv}:{offset}";

    private static (VgMetadata Vg, Func<string, IByteSource?> Pvs) Load()
    {
        var log = new FindingLog();
        var root = ConfigParser.Parse(Samples.Bytes("s2_vgcfgbackup.vg"), 0, log);
        var vg = VgMetadataReader.Read(root, log, 0, null)!;
        var a = new MemorySource(MarkedPv("A", 64 * Mib));
        var b = new MemorySource(MarkedPv("B", 64 * Mib));
        return (vg, id => id == vg.FindPvByKey("pv0")!.Id ? a : id == vg.FindPvByKey("pv1")!.Id ? b : null);
    }

    private static byte[] MarkedPv(string name, long size)
    {
        var bytes = new byte[size];
        for (long s = 0; s < size; s += 512)
        {
            System.Text.Encoding.ASCII.GetBytes(Marker(name, s)).CopyTo(bytes, s);
        }

        return bytes;
    }
}
