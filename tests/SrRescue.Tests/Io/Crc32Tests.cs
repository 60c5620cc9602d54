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

    /// <summary>The table-driven CRC (eight bytes a step, then the rest) against the polynomial bit by bit, at every length of the tail.</summary>
    [Fact]
    public void Agrees_with_the_bitwise_definition_at_every_length()
    {
        var random = new Random(7);
        foreach (var length in Enumerable.Range(0, 40).Append(4093))
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Bitwise(Crc32.LvmInitial, data), Crc32.ComputeLvm(data));
            Assert.Equal(~Bitwise(0xFFFFFFFFu, data), Crc32.Compute(data));
        }
    }

    private static uint Bitwise(uint state, byte[] data)
    {
        foreach (var b in data)
        {
            state ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                state = (state & 1) != 0 ? (state >> 1) ^ 0xEDB88320u : state >> 1;
            }
        }

        return state;
    }
}
