using System.Text;
using SrRescue.Io;

namespace SrRescue.Tests.Io;

public sealed class Crc32Tests
{
    // The standard check value of CRC-32 (the one zlib, GPT and cksum -a crc32b give).
    [Fact]
    public void Standard_crc_matches_the_check_value() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Standard_crc_continues_over_a_concatenation()
    {
        var a = Encoding.ASCII.GetBytes("EFI PART");
        var b = Encoding.ASCII.GetBytes(" header and entries");
        Assert.Equal(Crc32.Compute([.. a, .. b]), Crc32.Append(Crc32.Compute(a), b));
    }

    // Test vectors of lvm2.md 1.3, computed by lvm2's calc_crc (pvck prints the zero-sector ones).
    [Theory]
    [InlineData("", 0xF597A6CFu)]
    [InlineData("123456789", 0x4991CF02u)]
    public void Matches_lvm2_vectors(string text, uint expected) =>
        Assert.Equal(expected, Crc32.ComputeLvm(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData(492, 0x02C81F10u)]
    [InlineData(508, 0x6702D122u)]
    public void Matches_pvck_for_zeroed_sectors(int length, uint expected) =>
        Assert.Equal(expected, Crc32.ComputeLvm(new byte[length]));

    [Fact]
    public void Crc_of_a_concatenation_continues_from_the_first_part()
    {
        var a = Encoding.ASCII.GetBytes("wrapped metadata, first part ");
        var b = Encoding.ASCII.GetBytes("and the part after the header");
        Assert.Equal(Crc32.ComputeLvm([.. a, .. b]), Crc32.ComputeLvm(b, Crc32.ComputeLvm(a)));
    }
}
