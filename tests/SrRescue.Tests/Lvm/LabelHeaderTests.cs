using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

public sealed class LabelHeaderTests
{
    [Fact]
    public void Reads_the_real_label_pvck_describes()
    {
        // s2_pv1: pvck --dump headers says label at 512, crc 0x413fc83a, two mdas, extension v2 flags 1.
        var image = Samples.Bytes("s2_pv1_first1MiB.img.gz");
        var log = new FindingLog();
        Assert.True(LabelHeader.TryRead(image.AsSpan(512, 512), 512, log, 0, "s2", out var label));
        Assert.Equal(0x413fc83au, label.StoredCrc);
        Assert.True(label.CrcMatches);
        var pv = PvHeader.Read(image.AsSpan(512, 512), 512, log, "s2");
        Assert.Equal("S39kbu-OewN-Bt2Z-lajS-tiXP-e8JC-0BJj6a", pv.PvUuid);
        Assert.Equal(67108864, pv.DeviceSizeBytes);
        Assert.Equal([new DiskLocation(1048576, 0)], pv.DataAreas);
        Assert.Equal([new DiskLocation(4096, 1044480), new DiskLocation(66060288, 1048576)], pv.MetadataAreas);
        Assert.Equal(2u, pv.ExtensionVersion);
        Assert.True(pv.InUse);
        Assert.Empty(log);
    }

    [Fact]
    public void A_valid_built_label_has_no_findings()
    {
        var log = new FindingLog();
        Assert.True(LabelHeader.TryRead(LabelTestData.LabelSector(), 512, log, 0, null, out var label));
        Assert.True(label.CrcMatches);
        Assert.Empty(log);
    }

    [Fact]
    public void Crc_mismatch_is_reported_at_the_crc_field_with_both_values()
    {
        var sector = LabelTestData.LabelSector();
        sector[100] ^= 0xFF;
        var log = new FindingLog();
        Assert.True(LabelHeader.TryRead(sector, 1512, log, 1000, null, out var label));
        Assert.False(label.CrcMatches);
        var f = Assert.Single(log);
        Assert.Equal("lvm.label.crc", f.Code);
        Assert.Equal(1000 + 512 + 16, f.Offset);
        Assert.NotEqual(f.Stored, f.Computed);
    }

    [Fact]
    public void Wrong_sector_number_is_reported()
    {
        var sector = LabelTestData.LabelSector(sector: 2);
        var log = new FindingLog();
        Assert.True(LabelHeader.TryRead(sector, 512, log, 0, null, out _));
        var f = Assert.Single(log);
        Assert.Equal("lvm.label.sector", f.Code);
        Assert.Equal(512 + 8, f.Offset);
    }

    [Fact]
    public void Wrong_pv_header_offset_is_reported()
    {
        var sector = LabelTestData.LabelSector();
        sector[20] = 48;
        LabelTestData.FixLabelCrc(sector);
        var log = new FindingLog();
        Assert.True(LabelHeader.TryRead(sector, 512, log, 0, null, out _));
        Assert.Equal("lvm.label.offset", Assert.Single(log).Code);
        Assert.Equal(512 + 20, log.Single().Offset);
    }

    [Fact]
    public void Wrong_type_is_reported()
    {
        var sector = LabelTestData.LabelSector();
        "LVM1 001"u8.CopyTo(sector.AsSpan(24));
        LabelTestData.FixLabelCrc(sector);
        var log = new FindingLog();
        Assert.True(LabelHeader.TryRead(sector, 512, log, 0, null, out _));
        Assert.Equal("lvm.label.type", Assert.Single(log).Code);
        Assert.Equal(512 + 24, log.Single().Offset);
    }

    [Fact]
    public void Type_only_sector_is_reported_and_not_used()
    {
        var sector = LabelTestData.LabelSector();
        "XXXXXXXX"u8.CopyTo(sector);
        var log = new FindingLog();
        Assert.False(LabelHeader.TryRead(sector, 512, log, 0, null, out _));
        Assert.Equal("lvm.label.type-only", Assert.Single(log).Code);
    }

    [Fact]
    public void Truncated_sector_is_reported()
    {
        var log = new FindingLog();
        Assert.False(LabelHeader.TryRead(LabelTestData.LabelSector().AsSpan(0, 100), 512, log, 0, null, out _));
        Assert.Equal("lvm.label.truncated", Assert.Single(log).Code);
    }

    [Fact]
    public void Pv_header_list_running_off_the_sector_is_cut_with_a_finding()
    {
        var sector = LabelTestData.LabelSector();
        // Fill everything after the first data area with non-zero offsets: no terminator anywhere.
        for (var pos = 72; pos + 16 <= 512; pos += 16)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(sector.AsSpan(pos), 4096);
        }

        var log = new FindingLog();
        var pv = PvHeader.Read(sector, 512, log, null);
        Assert.Equal(Limits.MaxDataAreasPerPv, pv.DataAreas.Count);
        Assert.Contains(log, f => f.Code == "lvm.pvheader.overrun");
        Assert.Contains(log, f => f.Code == "lvm.pvheader.too-many");
    }

    [Fact]
    public void Pv_uuid_with_foreign_characters_is_reported()
    {
        var sector = LabelTestData.LabelSector();
        sector[40] = (byte)'-';
        var log = new FindingLog();
        PvHeader.Read(sector, 512, log, null);
        var f = Assert.Single(log);
        Assert.Equal("lvm.pvheader.uuid", f.Code);
        Assert.Equal(512 + 32, f.Offset);
    }
}
