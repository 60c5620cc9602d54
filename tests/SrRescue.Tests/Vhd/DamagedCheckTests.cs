using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// vhd check on every vhd_damaged case finds the damage that was injected, with the finding code
/// and, where expected.json gives one, the byte offset and values; the undamaged originals check clean.
/// </summary>
public sealed class DamagedCheckTests
{
    private static VhdCheckReport Check(string name, VhdCheckOptions? options = null) =>
        VhdChecker.Check(DamagedVhds.Source(name), new FindingLog(), options);

    private static Finding Single(VhdCheckReport r, string code) =>
        Assert.Single(r.Findings, f => f.Code == code);

    [Theory]
    [InlineData("a-footer-c7.orig.vhd")]
    [InlineData("b-header-checksum.orig.vhd")]
    [InlineData("c-bat-orphans.orig.vhd")]
    [InlineData("d-batmap-checksum.orig.vhd")]
    [InlineData("e-backup-footer-zeroed.orig.vhd")]
    public void Undamaged_originals_check_clean_with_bitmaps(string name)
    {
        var r = Check(name, new VhdCheckOptions { CheckBitmaps = true });
        Assert.True(r.IsClean, string.Join("\n", r.Findings));
        Assert.Empty(r.Findings);
        var expected = DamagedVhds.Case(name.Replace(".orig", "", StringComparison.Ordinal) + ".gz");
        Assert.Equal(expected.GetProperty("allocated_blocks").GetInt32(), r.AllocatedBlocks);
        Assert.Equal(expected.GetProperty("virtual_size").GetInt64(), r.VirtualSizeBytes);
        Assert.Equal(Guid.Parse(expected.GetProperty("vhd_uuid").GetString()!), r.Uuid);
    }

    [Fact]
    public void A_primary_footer_of_0xC7_is_an_error_on_a_file_and_a_note_on_an_lv()
    {
        var name = "a-footer-c7.vhd";
        var onFile = Check(name);
        var f = Single(onFile, "vhd.footer.killed");
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(DamagedVhds.Case(name + ".gz").GetProperty("file_size").GetInt64() - 512, f.Offset);
        Assert.Equal(FooterCopy.CopyAtOffset0, onFile.FooterUsed);
        Assert.Equal(13, onFile.AllocatedBlocks);
        Assert.Single(onFile.Findings);

        var onLv = Check(name, new VhdCheckOptions { Footers = LvhdFooters.OnLv });
        Assert.True(onLv.IsClean, string.Join("\n", onLv.Findings));
        Assert.Equal(Severity.Info, Single(onLv, "vhd.footer.killed").Severity);
    }

    [Fact]
    public void A_damaged_max_table_entries_is_found_at_the_damaged_byte_and_recovered()
    {
        var expected = DamagedVhds.Case("b-header-checksum.vhd.gz");
        var r = Check("b-header-checksum.vhd");
        var damaged = Single(r, "vhd.header.max-table-entries");
        Assert.Equal(expected.GetProperty("byte_offset").GetInt64(), damaged.Offset);
        Assert.Equal(expected.GetProperty("damaged_max_bat_size").GetInt64().ToString(), damaged.Stored);
        Assert.Equal(expected.GetProperty("orig_max_bat_size").GetInt64().ToString(), damaged.Computed);
        Assert.Equal(512 + 36, Single(r, "vhd.header.checksum").Offset);
        Assert.Equal((uint)expected.GetProperty("orig_max_bat_size").GetInt64(), r.RecoveredMaxTableEntries);

        // With the recovered value the batmap is where blktap put it, so nothing else is reported.
        Assert.True(r.HasBatmap);
        Assert.Equal(2, r.Findings.Count);
    }

    [Fact]
    public void Lost_bat_entries_show_as_a_full_block_the_bat_does_not_allocate()
    {
        var r = Check("c-bat-orphans.vhd");
        var f = Single(r, "vhd.batmap.unallocated-full");
        Assert.Equal(DamagedVhds.BatmapAt + (12 >> 3), f.Offset);
        Assert.Contains("block 12", f.Message, StringComparison.Ordinal);
        Assert.Equal(9, r.AllocatedBlocks);
    }

    [Fact]
    public void A_wrong_batmap_checksum_is_reported_at_its_offset_with_both_values()
    {
        var expected = DamagedVhds.Case("d-batmap-checksum.vhd.gz");
        var f = Single(Check("d-batmap-checksum.vhd"), "vhd.batmap.checksum");
        Assert.Equal(expected.GetProperty("byte_offset").GetInt64(), f.Offset);
        Assert.Equal($"0x{expected.GetProperty("damaged_checksum").GetInt64():x8}", f.Stored);
        Assert.Equal($"0x{expected.GetProperty("orig_checksum").GetInt64():x8}", f.Computed);
    }

    [Fact]
    public void A_zeroed_footer_copy_is_reported_at_offset_0()
    {
        var r = Check("e-backup-footer-zeroed.vhd");
        var f = Single(r, "vhd.footer.cookie");
        Assert.Equal(0, f.Offset);
        Assert.Contains("all zeros", f.Message, StringComparison.Ordinal);
        Assert.Equal(FooterCopy.Primary, r.FooterUsed);
        Assert.Single(r.Findings);
    }

    [Fact]
    public void A_missing_parent_is_reported_by_the_name_the_child_gives()
    {
        var expected = DamagedVhds.Case("f-child.vhd.gz");
        var dir = DamagedVhds.Extract("f-child.vhd.gz");
        using var resolver = LvhdParentFiles.Resolver(dir);
        using var child = FileSource.Open(Path.Combine(dir, "f-child.vhd"));
        var r = VhdChecker.Check(child, new FindingLog(), new VhdCheckOptions { ParentResolver = resolver });
        var f = Assert.Single(r.Findings, f => f.Code == "vhd.chain.parent-missing");
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Contains(expected.GetProperty("parent_name_in_locators").GetString()!, f.Message, StringComparison.Ordinal);
        Assert.Contains(expected.GetProperty("parent_vhd_uuid").GetString()!, f.Message, StringComparison.Ordinal);
        Assert.Equal(expected.GetProperty("parent_name_in_locators").GetString(), r.ParentName);
        Assert.Null(r.ParentFoundAt);
        Assert.Equal(1, r.Errors);
        Assert.Equal(0, r.Warnings);
    }

    [Fact]
    public void The_parent_beside_the_child_is_found_by_its_uuid_and_the_child_checks_clean()
    {
        var dir = DamagedVhds.Extract("f-child.vhd.gz", "f-parent.vhd.gz");
        using var resolver = LvhdParentFiles.Resolver(dir);
        using var child = FileSource.Open(Path.Combine(dir, "f-child.vhd"));
        var r = VhdChecker.Check(child, new FindingLog(), new VhdCheckOptions { ParentResolver = resolver, CheckBitmaps = true });
        Assert.True(r.IsClean, string.Join("\n", r.Findings));
        Assert.Equal(Path.Combine(dir, "f-parent.vhd"), r.ParentFoundAt);
        Assert.Contains(r.Findings, f => f.Code == "vhd.chain.parent-by-uuid");
        Assert.Equal(Guid.Parse(DamagedVhds.Case("f-child.vhd.gz").GetProperty("parent_vhd_uuid").GetString()!), r.ParentUuid);
    }

    [Fact]
    public void Without_a_resolver_the_parent_is_not_looked_for()
    {
        var r = Check("f-child.vhd");
        Assert.True(r.IsClean, string.Join("\n", r.Findings));
        Assert.Equal(VhdDiskType.Differencing, r.DiskType);
    }
}
