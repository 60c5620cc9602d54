using System.Text;
using SrRescue.Lvm;

namespace SrRescue.Tests.Lvm;

public sealed class LvmCrcTests
{
    // Test vectors of lvm2.md 1.3, computed by lvm2's calc_crc (pvck prints the zero-sector ones).
    [Theory]
    [InlineData("", 0xF597A6CFu)]
    [InlineData("123456789", 0x4991CF02u)]
    public void Matches_lvm2_vectors(string text, uint expected) =>
        Assert.Equal(expected, LvmCrc.Compute(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData(492, 0x02C81F10u)]
    [InlineData(508, 0x6702D122u)]
    public void Matches_pvck_for_zeroed_sectors(int length, uint expected) =>
        Assert.Equal(expected, LvmCrc.Compute(new byte[length]));

    [Fact]
    public void Crc_of_a_concatenation_continues_from_the_first_part()
    {
        var a = Encoding.ASCII.GetBytes("wrapped metadata, first part ");
        var b = Encoding.ASCII.GetBytes("and the part after the header");
        Assert.Equal(LvmCrc.Compute([.. a, .. b]), LvmCrc.Compute(b, LvmCrc.Compute(a)));
    }
}
