using SrRescue.Diagnostics;
using SrRescue.Io;
using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// One test per parent locator rule (vhd.md 3.6) and per parent check, on blktap's differencing
/// child (locators: MacX in slot 0, W2ku in slot 1, W2ru in slot 2, each one sector of data).
/// </summary>
public sealed class LocatorRuleTests
{
    private const int H = DamagedVhds.HeaderAt;
    private const int Slot0 = H + 576;
    private const int Slot1 = Slot0 + 24;
    private const int Slot3 = Slot0 + (3 * 24);
    private const long MacXData = 4327424;
    private const long W2kuData = 4327936;
    private static readonly long Len = Length(Differencing);

    private static DamagedVhds.Mutated Child() => Good(Differencing);

    [Fact]
    public void An_unknown_platform_code_is_reported() => Has(Child().U32(Slot3, 0x12345678).FixHeader(), "vhd.locator.code", Slot3);

    [Fact]
    public void An_unused_entry_must_be_all_zero() => Has(Child().U64(Slot3 + 16, 4096).FixHeader(), "vhd.locator.unused-nonzero", Slot3);

    [Fact]
    public void A_platform_code_may_appear_once() => Has(Child().U32(Slot1, 0x4D616358).FixHeader(), "vhd.locator.duplicate", Slot1);

    [Fact]
    public void A_used_entry_needs_offset_space_and_length() => Has(Child().U32(Slot0 + 8, 0).FixHeader(), "vhd.locator.fields", Slot0);

    [Fact]
    public void The_reserved_field_must_be_zero() => Has(Child().U32(Slot0 + 12, 1).FixHeader(), "vhd.locator.reserved", Slot0 + 12);

    [Fact]
    public void Data_space_must_be_sectors_or_whole_sectors_of_bytes() => Has(Child().U32(Slot0 + 4, 1000).FixHeader(), "vhd.locator.space", Slot0 + 4);

    [Fact]
    public void The_data_must_lie_before_the_footer() => Has(Child().U64(Slot0 + 16, (ulong)Len).FixHeader(), "vhd.locator.range", Slot0 + 16);

    [Fact]
    public void The_length_may_not_exceed_the_space() => Has(Child().U32(Slot0 + 8, 600).FixHeader(), "vhd.locator.length", Slot0 + 8);

    [Fact]
    public void A_path_that_is_not_utf16_is_reported_at_its_data() => Has(Child().Set(W2kuData, [0x00, 0xD8]), "vhd.locator.decode", W2kuData);

    [Fact]
    public void A_path_naming_another_file_than_the_header_is_reported()
    {
        var m = Child();
        var last = MacXData + m.ReadU32(Slot0 + 8) - 1;
        m[last] = (byte)'9';
        Assert.Equal(Severity.Warning, Has(m, "vhd.locator.name-mismatch", MacXData).Severity);
    }

    [Fact]
    public void A_child_without_any_path_can_only_be_linked_by_uuid()
    {
        var m = Child().Set(Slot0, new byte[3 * 24]).FixHeader();
        var r = Check(m);
        Has(r, "vhd.locator.none", Slot0);
        Assert.Equal(0, r.Errors);
    }

    [Fact]
    public void A_parent_with_another_uuid_is_not_the_parent()
    {
        var wrong = DamagedVhds.Source(Dynamic);
        var r = Check(Child(), new() { ParentResolver = new FixedResolver(wrong) });
        var f = Has(r, "vhd.chain.parent-uuid", H + 40);
        Assert.Equal(DamagedVhds.Case("f-child.vhd.gz").GetProperty("parent_vhd_uuid").GetString(), f.Computed);
    }

    [Fact]
    public void A_parent_that_is_not_a_vhd_is_reported()
    {
        var junk = new MemorySource(new byte[64 << 10], "junk");
        Has(Check(Child(), new() { ParentResolver = new FixedResolver(junk) }), "vhd.chain.parent-unreadable", H + 64);
    }

    [Fact]
    public void A_missing_parent_is_an_error_naming_it() =>
        Assert.Contains("VG_XenStorage--eab7d15f", Has(Check(Child(), new() { ParentResolver = new FixedResolver(null) }), "vhd.chain.parent-missing", H + 64).Message, StringComparison.Ordinal);

    [Fact]
    public void A_child_that_names_itself_as_parent_is_a_loop()
    {
        var self = Child();
        for (var i = 0; i < 16; i++)
        {
            self[H + 40 + i] = self[68 + i];
        }

        self.FixHeader();
        var r = Check(self, new() { ParentResolver = new FixedResolver(self) });
        Has(r, "vhd.chain.loop", H + 40);
        Assert.Null(r.ParentFoundAt);
    }

    [Fact]
    public void The_right_parent_checks_clean()
    {
        var parent = DamagedVhds.Source("f-parent.vhd");
        var r = Check(Child(), new() { ParentResolver = new FixedResolver(parent) });
        Assert.True(r.IsClean, string.Join("\n", r.Findings));
        Assert.Equal("f-parent.vhd", r.ParentFoundAt);
    }
}
