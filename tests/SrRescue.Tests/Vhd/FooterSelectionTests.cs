using SrRescue.Diagnostics;
using SrRescue.Vhd;
using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// Issue 11 item 5: the reader and the checker go by the same footer copy. They used to differ on
/// a primary footer whose checksum holds but which breaks a rule vhd-util rejects (the reader
/// took it, the checker took the valid copy at offset 0), so `vhd info` and `vhd check` could
/// describe one file by two different footers. The image is the blktap-made dynamic VHD of the
/// fixtures with one field of the primary changed and its checksum made to match.
/// </summary>
public sealed class FooterSelectionTests
{
    [Theory]
    [InlineData(12, 0x00020000u)] // format version
    [InlineData(60, 5u)] // disk type
    [InlineData(8, 0x00000000u)] // features without the reserved bit
    public void A_primary_that_breaks_a_rule_loses_to_a_valid_copy_in_both(int off, uint value)
    {
        var primary = Length(Dynamic) - 512;
        var damaged = Good().U32(primary + off, value).FixChecksum(primary, 512, 64);
        var image = VhdImage.Open(damaged, new FindingLog());
        var report = Check(damaged);
        Assert.Same(image.BackupFooter, image.Footer);
        Assert.Equal(FooterCopy.CopyAtOffset0, report.FooterUsed);
        Has(report, off == 60 ? "vhd.footer.disk-type" : off == 8 ? "vhd.footer.features" : "vhd.footer.version", primary + off);
    }

    [Fact]
    public void An_intact_file_is_read_by_its_primary_in_both()
    {
        var image = VhdImage.Open(Good(), new FindingLog());
        Assert.Same(image.PrimaryFooter, image.Footer);
        Assert.Equal(FooterCopy.Primary, Check(Good()).FooterUsed);
    }
}
