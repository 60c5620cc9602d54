using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// The ring scan against pvck's recorded output on lvm2's own samples (lvm2.md 2.6): a wrapped
/// current copy, a second lap, and a disk re-used by another VG whose old wrapped copy lost its tail.
/// </summary>
public sealed class RingScanSampleTests
{
    [Theory]
    [InlineData("s1_wrapped_pv_first1MiB.img.gz", "s1_wrapped_pvck_dump_metadata_search.txt.gz")]
    [InlineData("s1_lap2_pv_first1MiB.img.gz", "s1_lap2_pvck_dump_metadata_search.txt.gz")]
    [InlineData("s1_reused_pv_first1MiB.img.gz", "s1_reused_pvck_dump_metadata_search.txt.gz")]
    public void Finds_every_copy_pvck_found_with_its_length_and_crc(string image, string pvckOutput)
    {
        var expected = RingScanAgainstPvckTests.ParsePvck(Samples.Text(pvckOutput));
        var scan = PvScanner.Scan(new MemorySource(Samples.Bytes(image), image), 0, new FindingLog());
        var ours = scan.Copies.ToDictionary(c => c.OffsetBytes);
        Assert.True(expected.Count > 700);
        foreach (var p in expected)
        {
            var c = ours[p.Offset];
            Assert.Equal(p.Seqno, c.Seqno);
            Assert.False(c.IsDamaged, $"seqno {c.Seqno} at {c.OffsetBytes}: {c.Damage}");
            Assert.Equal(p.Length, c.SizeBytes);
            Assert.Equal(p.Crc, c.Checksum);
        }
    }

    [Fact]
    public void The_wrapped_current_copy_is_joined_and_matches_its_slot()
    {
        // Slot 0 offset 1043968, size 1028: 512 bytes at the end of the area, 516 after the header.
        var scan = PvScanner.Scan(new MemorySource(Samples.Bytes("s1_wrapped_pv_first1MiB.img.gz")), 0, new FindingLog());
        var current = Assert.Single(scan.Copies, c => c.IsCommitted);
        Assert.True(current.Wraps);
        Assert.Equal(1493, current.Seqno);
        Assert.Equal(1028, current.SizeBytes);
        Assert.True(current.SlotChecksumMatches);
        Assert.False(current.IsDamaged);
    }

    [Fact]
    public void The_old_wrapped_copy_whose_tail_was_overwritten_is_reported_damaged_not_dropped()
    {
        // pvck: "Failed to extract full metadata text at 1048064, skipping."
        var log = new FindingLog();
        var scan = PvScanner.Scan(new MemorySource(Samples.Bytes("s1_reused_pv_first1MiB.img.gz")), 0, log);
        var broken = Assert.Single(scan.Copies, c => c.OffsetBytes == 1048064);
        Assert.True(broken.IsDamaged);
        Assert.True(broken.Wraps);
        Assert.Contains(log, f => f.Code == "lvm.copy.damaged" && f.Offset == 1048064);
        Assert.Equal(2, scan.Copies.Select(c => c.VgId).Distinct().Count());
    }
}
