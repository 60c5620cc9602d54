using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>The second metadata area at the end of the PV, and an ignored area (lvm2.md 2.1, 2.2).</summary>
public sealed class MetadataAreaLayoutTests
{
    [Fact]
    public void Second_metadata_area_at_the_end_of_the_pv_is_scanned_too()
    {
        // s2_pv1 is a 64 MiB PV: its first and its last MiB (mda2 at 66060288, 1 MiB).
        var pv = new byte[64 << 20];
        Samples.Bytes("s2_pv1_first1MiB.img.gz").CopyTo(pv, 0);
        Samples.Bytes("s2_pv1_last1MiB_mda2.img.gz").CopyTo(pv, 63 << 20);
        var scan = PvScanner.Scan(new MemorySource(pv, "s2_pv1"), 0, new FindingLog());
        Assert.Equal(2, scan.MetadataAreas.Count);
        var mda2 = scan.MetadataAreas[1];
        Assert.Equal(66060288, mda2.StartBytes);
        Assert.Equal(1048576, mda2.SizeBytes);
        // pvck --dump metadata --settings mda_num=2: "metadata text at 66071040 crc 0x182750c4 # vgname vgtwo seqno 7"
        var current = Assert.Single(mda2.Copies, c => c.IsCommitted);
        Assert.Equal(66071040, current.OffsetBytes);
        Assert.Equal(0x182750c4u, current.Checksum);
        Assert.Equal(7, current.Seqno);
        Assert.Equal(2, current.MdaNumber);
        Assert.True(current.SlotChecksumMatches);
    }

    [Fact]
    public void Ignored_area_still_gives_its_copies_and_its_stale_committed_copy()
    {
        var scan = PvScanner.Scan(new MemorySource(Samples.Bytes("s2_pv2_first1MiB_ignored_mda.img.gz")), 0, new FindingLog());
        var area = Assert.Single(scan.MetadataAreas);
        Assert.True(area.Header!.Committed.IsIgnored);
        // pvck: slot 0 still points at the seqno-6 copy written before the area was ignored.
        Assert.Equal(6, Assert.Single(area.Copies, c => c.IsCommitted).Seqno);
    }

    [Fact]
    public void Block_device_size_comes_from_the_kernel_and_reads_match_the_image()
    {
        var image = Fixtures.Image("lost_vdi");
        using var loop = LoopDevice.Attach(image, readOnly: true);
        using var device = FileSource.Open(loop.Path);
        using var file = FileSource.Open(image);
        Assert.True(device.IsBlockDevice);
        Assert.Equal(new FileInfo(image).Length, device.Length);
        Assert.Equal(file.ReadBytes(0, 1 << 20), device.ReadBytes(0, 1 << 20));
        var scan = PvScanner.Scan(device, 0, new FindingLog());
        Assert.Equal("prCLA6-DNG8-oRbu-RIFN-lUYF-rp1G-a3Ogja", scan.PvUuid);
    }
}
