using SrRescue.Diagnostics;
using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// One test per BAT and batmap rule (vhd.md 3.6): one entry or field changed in a good image
/// (block 0 is unallocated there, block 3 sits at sector 8455, block 4 is the full one), the
/// finding's code and absolute offset asserted; and the bitmap checks of --bitmaps.
/// </summary>
public sealed class BatRuleTests
{
    private const int Bat = DamagedVhds.BatAt;
    private const int BatmapHeader = DamagedVhds.BatmapHeaderAt;
    private const int Map = DamagedVhds.BatmapAt;
    private const uint Block3 = 8455;
    private static readonly long Len = Length(Dynamic);

    /// <summary>The map's checksum over its first sector (current size 40 MiB, vhd.md 3.4).</summary>
    private static DamagedVhds.Mutated FixBatmap(DamagedVhds.Mutated m)
    {
        uint sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += m[Map + i];
        }

        return m.U32(BatmapHeader + 24, ~sum);
    }

    [Fact]
    public void A_block_inside_the_metadata_clobbers_the_headers() => Has(Good().U32(Bat, 8), "vhd.bat.clobbers-headers", Bat);

    [Fact]
    public void A_block_over_the_primary_footer_clobbers_it() =>
        Has(Good().U32(Bat, (uint)(Len / 512) - 4097), "vhd.bat.clobbers-footer", Bat);

    [Fact]
    public void A_block_past_the_end_of_the_file_is_reported() => Has(Good().U32(Bat, (uint)(Len / 512) + 10), "vhd.bat.beyond-eof", Bat);

    [Fact]
    public void Overlapping_blocks_are_found_by_the_sorted_sweep()
    {
        var r = Check(Good().U32(Bat, Block3 + 8));
        var f = Has(r, "vhd.bat.overlap", Bat);
        Assert.Contains("block 3", f.Message, StringComparison.Ordinal);

        // Block 0 now also reaches into block 4 (sector 12559): that is the second overlap.
        Has(r, "vhd.bat.overlap", Bat + 16);
        Assert.Equal(2, r.Findings.Count(x => x.Code == "vhd.bat.overlap"));
    }

    [Fact]
    public void Two_entries_with_the_same_offset_overlap() => Has(Good().U32(Bat, Block3), "vhd.bat.overlap", Bat + 12);

    [Fact]
    public void A_file_size_that_is_not_whole_sectors_is_reported()
    {
        var cut = Len - 100;
        Has(new DamagedVhds.Mutated(Dynamic, cut), "vhd.file-size", cut - (cut % 512));
    }

    [Fact]
    public void A_missing_batmap_header_of_a_tapdisk_image_is_an_error() =>
        Has(Good().Set(BatmapHeader, "xxbatmap"u8), "vhd.batmap.missing", BatmapHeader);

    [Fact]
    public void A_newer_batmap_version_is_reported() => Has(Good().U32(BatmapHeader + 20, 0x00010003), "vhd.batmap.version", BatmapHeader + 20);

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    public void A_batmap_too_small_for_the_bat_is_reported(uint sectors) => Has(Good().U32(BatmapHeader + 16, sectors), "vhd.batmap.size", BatmapHeader + 16);

    [Theory]
    [InlineData(0UL, "vhd.batmap.offset")]
    [InlineData(4196353UL, "vhd.batmap.offset")]
    [InlineData(1UL << 40, "vhd.batmap.range")]
    public void A_batmap_offset_that_cannot_be_right_is_reported(ulong offset, string code) => Has(Good().U64(BatmapHeader + 8, offset), code, BatmapHeader + 8);

    [Fact]
    public void The_batmap_may_not_mark_an_unallocated_block_full() =>
        Has(FixBatmap(Good().Set(Map, [0x88])), "vhd.batmap.unallocated-full", Map);

    [Fact]
    public void An_encrypted_image_is_reported() => Has(Good().Set(BatmapHeader + 29, [1]), "vhd.batmap.encrypted", BatmapHeader + 29);

    [Fact]
    public void With_bitmaps_a_block_the_batmap_marks_full_must_have_every_bit()
    {
        var marked = FixBatmap(Good().Set(Map, [0x18]));
        Assert.DoesNotContain(Check(marked).Findings, f => f.Code == "vhd.batmap.not-full");
        var f = Has(marked, "vhd.batmap.not-full", Map, new() { CheckBitmaps = true });
        Assert.Contains("1802 of 4096", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_bitmaps_data_in_a_sector_whose_bit_is_clear_is_reported()
    {
        // Block 3's bitmap starts with clear bits: its first data sector must be zero.
        var dataAt = (Block3 + 1L) * 512;
        var dirty = Good().Set(dataAt + 100, [0x42]).Set(dataAt + 512 + 7, [0x43]);
        var f = Has(dirty, "vhd.bitmap.unmapped-data", dataAt, new() { CheckBitmaps = true });
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal("2", f.Stored);
        Assert.DoesNotContain(Check(dirty).Findings, x => x.Code == "vhd.bitmap.unmapped-data");
    }

    [Fact]
    public void A_million_garbage_entries_give_a_bounded_report()
    {
        // Every entry of a 2 TiB BAT pointing into the metadata: each is a problem, the report stays readable.
        var m = Good().U64(48, 2UL << 40).U64(40, 2UL << 40).FixChecksum(0, 512, 64);
        m.U64(Len - 512 + 48, 2UL << 40).U64(Len - 512 + 40, 2UL << 40).FixChecksum(Len - 512, 512, 64);
        for (var i = 0; i < 4096; i++)
        {
            m.U32(Bat + (4 * i), 8);
        }

        var r = Check(m);
        Assert.InRange(r.Findings.Count(f => f.Code == "vhd.bat.clobbers-headers"), 2, SrRescue.Vhd.VhdChecker.MaxFindingsPerCode + 1);
        Assert.Contains(r.Findings, f => f.Code == "vhd.bat.clobbers-headers" && f.Offset == -1 && f.Message.Contains("4064 more", StringComparison.Ordinal));
    }
}
