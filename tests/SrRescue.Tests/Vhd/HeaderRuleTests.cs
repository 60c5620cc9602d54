using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// One test per dynamic header rule (vhd.md 3.6: header, differencing and non-differencing
/// parent fields, max_table_entries against the size): one field changed, the header checksum
/// fixed, the finding's code and absolute offset asserted.
/// </summary>
public sealed class HeaderRuleTests
{
    private const int H = DamagedVhds.HeaderAt;

    [Theory]
    [InlineData(24, 0x00020000u, "vhd.header.version")]
    [InlineData(32, 3u << 20, "vhd.header.block-size")]
    [InlineData(32, 4u << 20, "vhd.header.block-size")]
    [InlineData(60, 1u, "vhd.header.reserved")]
    [InlineData(40, 0x12345678u, "vhd.header.parent-fields")]
    [InlineData(56, 0x01000000u, "vhd.header.parent-fields")]
    [InlineData(64, 0x41000000u, "vhd.header.parent-fields")]
    [InlineData(576, 0x4D616358u, "vhd.header.parent-fields")]
    public void A_u32_field_that_breaks_a_rule_is_reported_at_its_offset(int off, uint value, string code) =>
        Has(Good().U32(H + off, value).FixHeader(), code, H + off);

    [Fact]
    public void Data_offset_must_be_all_ones() => Has(Good().U64(H + 8, 0).FixHeader(), "vhd.header.data-offset", H + 8);

    [Fact]
    public void Table_offset_must_be_sector_aligned() => Has(Good().U64(H + 16, 1537).FixHeader(), "vhd.header.table-offset", H + 16);

    [Fact]
    public void The_bat_must_end_before_the_footer() => Has(Good().U32(H + 28, 0x7FFFFFFF).FixHeader(), "vhd.header.table-range", H + 28);

    [Fact]
    public void Reserved_bytes_768_to_1023_must_be_zero() => Has(Good().Set(H + 900, [7]).FixHeader(), "vhd.header.reserved", H + 900);

    [Fact]
    public void A_damaged_cookie_is_reported_and_nothing_after_it_is_guessed()
    {
        var r = Check(Good().Set(H, "xxsparse"u8));
        Has(r, "vhd.header.cookie", H);
        Assert.Equal(0, r.BatEntries);
    }

    [Fact]
    public void A_wrong_header_checksum_is_reported_with_both_values()
    {
        var f = Has(Good().U32(H + 36, 0), "vhd.header.checksum", H + 36);
        Assert.Equal("0x00000000", f.Stored);
    }

    [Fact]
    public void A_differencing_disk_needs_a_decodable_parent_name()
    {
        // A lone high surrogate is not UTF-16.
        Has(Good(Differencing).Set(H + 64, [0xD8, 0x00, 0x00, 0x41]).FixHeader(), "vhd.header.parent-name", H + 64);
    }

    [Fact]
    public void A_parent_timestamp_in_the_future_is_a_warning()
    {
        var f = Has(Good(Differencing).U32(H + 56, 0xFFFF0000).FixHeader(), "vhd.header.parent-timestamp", H + 56);
        Assert.Equal(Severity.Warning, f.Severity);
    }

    [Fact]
    public void A_max_table_entries_rewritten_with_its_checksum_is_still_recovered_from_the_batmap()
    {
        // A tool that "fixed" the checksum over a damaged value: the batmap position still tells.
        var r = Check(Good().U32(H + 28, 1048831).FixHeader());
        var f = Has(r, "vhd.header.max-table-entries", H + 31);
        Assert.Equal("1048576", f.Computed);
        Assert.Equal(1048576u, r.RecoveredMaxTableEntries);
    }

    [Fact]
    public void A_bat_smaller_than_the_disk_is_reported_when_nothing_says_otherwise()
    {
        // qemu makes max_table_entries exactly ceil(size / 2 MiB) and writes no batmap.
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var path = Path.Combine(Fixtures.NewTempDir(), "q.vhd");
        ExternalTool.RunChecked(qemu, "create", "-f", "vpc", path, "40M");
        var bytes = File.ReadAllBytes(path);
        var exact = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(H + 28));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(H + 28), 10);
        var sum = 0u;
        for (var i = 0; i < 1024; i++)
        {
            sum += i is >= 36 and < 40 ? 0u : bytes[H + i];
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(H + 36), ~sum);
        var r = Check(new MemorySource(bytes, path));
        var f = Has(r, "vhd.header.bat-too-small", H + 28);
        Assert.Equal(("10", exact.ToString()), (f.Stored, f.Computed));
        Assert.Equal(10, r.BatEntries);
    }
}
