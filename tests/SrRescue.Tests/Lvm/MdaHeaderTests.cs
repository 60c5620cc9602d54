using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

public sealed class MdaHeaderTests
{
    [Fact]
    public void Reads_the_real_header_pvck_describes()
    {
        // s2_pv1_pvck_dump_headers.txt: mda_header_1 at 4096, checksum 0x40d79755, slot 0 offset 10752 size 1906 crc 0x182750c4.
        var image = Samples.Bytes("s2_pv1_first1MiB.img.gz");
        var log = new FindingLog();
        Assert.True(MdaHeader.TryRead(image.AsSpan(4096, 512), 4096, log, 4096, 1044480, null, out var h));
        Assert.Equal(0x40d79755u, h.StoredChecksum);
        Assert.True(h.ChecksumMatches);
        Assert.Equal(new RawLocation(10752, 1906, 0x182750c4, 0), h.Committed);
        Assert.True(h.Precommitted.IsEmpty);
        Assert.Empty(log);
    }

    [Fact]
    public void Ignored_mda_keeps_its_stale_slot_and_flag()
    {
        // s2_pv2: raw_locn[0].flags 0x1 # RAW_LOCN_IGNORED.
        var image = Samples.Bytes("s2_pv2_first1MiB_ignored_mda.img.gz");
        Assert.True(MdaHeader.TryRead(image.AsSpan(4096, 512), 4096, new FindingLog(), 4096, 1044480, null, out var h));
        Assert.True(h.Committed.IsIgnored);
        Assert.False(h.Committed.IsEmpty);
    }

    [Fact]
    public void Zeroed_header_is_reported_at_the_magic()
    {
        var log = new FindingLog();
        Assert.False(MdaHeader.TryRead(new byte[512], 4096, log, 4096, 1044480, null, out _));
        var f = Assert.Single(log);
        Assert.Equal("lvm.mda.magic", f.Code);
        Assert.Equal(4096 + 4, f.Offset);
    }

    [Fact]
    public void Checksum_mismatch_is_reported_with_both_values()
    {
        var sector = LabelTestData.MdaHeaderSector(4096, 1044480, 512, 1000, 0x1234);
        sector[0] ^= 1;
        var log = new FindingLog();
        Assert.True(MdaHeader.TryRead(sector, 4096, log, 4096, 1044480, null, out _));
        var f = Assert.Single(log);
        Assert.Equal("lvm.mda.crc", f.Code);
        Assert.Equal(4096, f.Offset);
        Assert.NotEqual(f.Stored, f.Computed);
    }

    [Theory]
    [InlineData(20, "lvm.mda.version", 2)]
    [InlineData(24, "lvm.mda.start", 8192)]
    [InlineData(32, "lvm.mda.size", 2048)]
    public void Field_mismatches_are_reported_at_their_offset(int field, string code, long value)
    {
        var sector = LabelTestData.MdaHeaderSector(4096, 1044480, 512, 1000, 0x1234);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(sector.AsSpan(field), (ulong)value);
        if (field == 20)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(24), 4096);
        }

        LabelTestData.FixMdaCrc(sector);
        var log = new FindingLog();
        Assert.True(MdaHeader.TryRead(sector, 4096, log, 4096, 1044480, null, out _));
        var f = Assert.Single(log, x => x.Code == code);
        Assert.Equal(4096 + field, f.Offset);
    }

    [Theory]
    [InlineData(100, 1000)]
    [InlineData(2_000_000, 1000)]
    [InlineData(512, 2_000_000)]
    public void Slot_outside_the_area_is_reported(long offset, long size)
    {
        var sector = LabelTestData.MdaHeaderSector(4096, 1044480, offset, size, 0);
        var log = new FindingLog();
        Assert.True(MdaHeader.TryRead(sector, 4096, log, 4096, 1044480, null, out _));
        var f = Assert.Single(log);
        Assert.Equal("lvm.mda.slot-range", f.Code);
        Assert.Equal(4096 + 40, f.Offset);
    }
}
