using SrRescue.Diagnostics;
using SrRescue.Tests.Support;
using SrRescue.Vhd;
using SrRescue.Xen;
using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// One test per footer rule of vhd-util check (vhd.md 3.6, rules 1-12 and the copies' equality):
/// one field of a good image changed in both copies (checksums fixed, so only the rule can
/// object), the finding's code and absolute offset asserted for each copy.
/// </summary>
public sealed class FooterRuleTests
{
    private static readonly long Primary = Length(Dynamic) - 512;

    [Theory]
    [InlineData(8, 0x00000000u, "vhd.footer.features")]
    [InlineData(8, 0x00000006u, "vhd.footer.features")]
    [InlineData(12, 0x00020000u, "vhd.footer.version")]
    [InlineData(32, 0x00010004u, "vhd.footer.creator-version")]
    [InlineData(56, 0xFFFF10FFu, "vhd.footer.geometry")]
    [InlineData(60, 5u, "vhd.footer.disk-type")]
    [InlineData(24, 0xFFFF0000u, "vhd.footer.timestamp")]
    public void A_field_that_breaks_a_rule_is_reported_in_both_copies(int off, uint value, string code)
    {
        var r = Check(Good().BothFootersU32(off, value));
        Has(r, code, off);
        Has(r, code, Primary + off);
    }

    [Theory]
    [InlineData(84, "vhd.footer.saved-state")]
    [InlineData(85, "vhd.footer.hidden")]
    [InlineData(300, "vhd.footer.reserved")]
    public void A_byte_that_must_be_0_or_1_or_zero_is_reported(int off, string code)
    {
        var r = Check(Good().BothFooters(off, [2]));
        Has(r, code, off);
        Has(r, code, Primary + off);
    }

    [Fact]
    public void A_null_uuid_is_a_warning()
    {
        var r = Check(Good().BothFooters(68, new byte[16]));
        Assert.Equal(Severity.Warning, Has(r, "vhd.footer.uuid", 68).Severity);
    }

    [Fact]
    public void Timestamps_in_the_future_are_only_warnings()
    {
        var r = Check(Good().BothFootersU32(24, 0xFFFF0000u));
        Assert.Equal(0, r.Errors);
        Assert.Equal(Severity.Warning, Has(r, "vhd.footer.timestamp", 24).Severity);
    }

    [Fact]
    public void A_damaged_cookie_in_the_primary_falls_back_to_the_copy_at_0()
    {
        var r = Check(Good().Set(Primary, "xonectix"u8));
        Has(r, "vhd.footer.cookie", Primary);
        Assert.Equal(FooterCopy.CopyAtOffset0, r.FooterUsed);
        Assert.Single(r.Findings);
    }

    [Fact]
    public void A_wrong_checksum_is_reported_with_both_values()
    {
        var bad = Good();
        bad[Primary + 70] ^= 0xFF;
        var f = Has(bad, "vhd.footer.checksum", Primary + 64);
        Assert.NotEqual(f.Stored, f.Computed);
    }

    [Fact]
    public void Copies_that_differ_are_reported_at_the_first_differing_byte()
    {
        var r = Check(Good().Set(Primary + 85, [1]).FixChecksum(Primary, 512, 64));
        var f = Has(r, "vhd.footer.mismatch", 85);
        Assert.Contains("hidden", f.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Info, Has(Check(Good().Set(Primary + 85, [1]).FixChecksum(Primary, 512, 64), new() { Footers = LvhdFooters.OnLv }), "vhd.footer.mismatch", 85).Severity);
    }

    [Fact]
    public void Old_tapdisk_may_set_hidden_in_the_copy_at_0_without_the_checksum()
    {
        // tapdisk 1.1 did exactly this; blktap accepts it (vhd.md 1.2).
        var old = Good().BothFootersU32(32, 0x00010001).Set(85, [1]);
        var r = Check(old);
        Assert.DoesNotContain(r.Findings, f => f.Code is "vhd.footer.checksum" or "vhd.footer.mismatch");

        // Any later version must have a matching checksum.
        var r13 = Check(Good().Set(85, [1]));
        Has(r13, "vhd.footer.checksum", 64);
    }

    [Fact]
    public void Fixed_disks_made_by_qemu_check_clean_and_need_an_all_ones_data_offset()
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var dir = Fixtures.NewTempDir();
        var path = Path.Combine(dir, "fixed.vhd");
        ExternalTool.RunChecked(qemu, "create", "-f", "vpc", "-o", "subformat=fixed", path, "4M");
        var bytes = File.ReadAllBytes(path);
        var good = Check(new SrRescue.Io.MemorySource(bytes, path));
        Assert.True(good.IsClean, string.Join("\n", good.Findings));
        Assert.Equal(SrRescue.Vhd.VhdDiskType.Fixed, good.DiskType);

        var footer = bytes.Length - 512;
        bytes[footer + 16] = 0;
        var sum = 0u;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 64 and < 68 ? 0u : bytes[footer + i];
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(footer + 64), ~sum);
        Has(new SrRescue.Io.MemorySource(bytes, path), "vhd.footer.data-offset", footer + 16);
    }

    [Fact]
    public void Dynamic_disks_made_by_qemu_check_clean()
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var path = Path.Combine(Fixtures.NewTempDir(), "dynamic.vhd");
        ExternalTool.RunChecked(qemu, "create", "-f", "vpc", path, "40M");
        var qemuIo = ExternalTool.Require("qemu-io", "qemu-utils");
        ExternalTool.RunChecked(qemuIo, "-f", "vpc", "-c", "write -P 0x5a 3M 1M", path);
        var r = Check(new SrRescue.Io.MemorySource(File.ReadAllBytes(path), path), new() { CheckBitmaps = true });
        Assert.True(r.IsClean, string.Join("\n", r.Findings));
        Assert.False(r.HasBatmap);
        Assert.Equal(1, r.AllocatedBlocks);
    }
}
