using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// The corruption matrix's byte flips (DESIGN.md tests 3): every field of both footer copies, the
/// dynamic header, the batmap header and the locator entries, flipped in a good image, through
/// check and repair (see <see cref="VhdCorruptionTests"/>). A class of its own so it runs beside the rest.
/// </summary>
public sealed class VhdFieldFlipTests
{
    /// <summary>Every field of the footer (both copies), the header, the batmap header and the locator entries.</summary>
    public static TheoryData<string, long, int> Fields()
    {
        var data = new TheoryData<string, long, int>();
        int[] footer = [0, 8, 12, 16, 24, 28, 32, 36, 40, 48, 56, 60, 64, 68, 84, 85, 86];
        int[] header = [0, 8, 16, 24, 28, 32, 36, 40, 56, 60, 64, 576, 768];
        int[] locator = [0, 4, 8, 12, 16];
        foreach (var name in new[] { Dynamic, Differencing })
        {
            var len = Length(name);
            foreach (var f in footer)
            {
                data.Add(name, f, 8);
                data.Add(name, len - 512 + f, 8);
            }

            foreach (var h in header)
            {
                data.Add(name, 512 + h, 8);
            }
        }

        foreach (var b in new[] { 0, 8, 16, 20, 24, 28, 29 })
        {
            data.Add(Dynamic, DamagedVhds.BatmapHeaderAt + b, 8);
        }

        for (var slot = 0; slot < 4; slot++)
        {
            foreach (var l in locator)
            {
                if (slot + l > 0)
                {
                    data.Add(Differencing, 512 + 576 + (24 * slot) + l, 8); // slot 0 offset 0 is the header's field 576, above
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Byte_flips_in_every_header_field(string name, long at, int bytes)
    {
        var resolver = name == Differencing ? new FixedResolver(DamagedVhds.Source("f-parent.vhd")) : null;
        foreach (var pattern in new byte[] { 0xFF, 0x01 })
        {
            var m = Good(name);
            for (var i = 0; i < bytes; i++)
            {
                m[at + i] ^= pattern;
            }

            VhdCorruptionTests.Survives(m, resolver);
        }

        // All bits flipped with the checksums made to match, so the rules behind them run too.
        var fixedSums = Good(name);
        for (var i = 0; i < bytes; i++)
        {
            fixedSums[at + i] ^= 0xFF;
        }

        VhdCorruptionTests.Survives(fixedSums.FixFooters().FixHeader(), resolver);
    }

}
