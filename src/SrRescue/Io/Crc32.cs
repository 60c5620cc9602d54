using System.Buffers.Binary;

namespace SrRescue.Io;

/// <summary>
/// The reflected CRC-32 with polynomial 0xEDB88320, in the two forms the formats use:
/// the standard one (initial value and final xor 0xFFFFFFFF) that GPT uses for its header and
/// entry array (UEFI spec 2.10, 5.3.2) and our own journals and patch files, and LVM's
/// (lvm2.md 1.3: initial value 0xF597A6CF, no final xor, so the CRC of a concatenation is the CRC of
/// the second part seeded with the CRC of the first; wrapped metadata relies on this).
/// System.IO.Hashing is a NuGet package, and the library has no NuGet dependency.
/// </summary>
internal static class Crc32
{
    /// <summary>LVM's initial value.</summary>
    public const uint LvmInitial = 0xF597A6CF;

    /// <summary>Eight tables: Table[k * 256 + b] is the CRC state after byte b followed by k zero bytes (slicing by 8).</summary>
    private static readonly uint[] Table = BuildTables();

    /// <summary>The standard CRC-32.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a standard CRC over more data: <c>Append(Compute(a), b) == Compute(a + b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>LVM's CRC; pass the CRC of the data before as <paramref name="seed"/> to continue it.</summary>
    public static uint ComputeLvm(ReadOnlySpan<byte> data, uint seed = LvmInitial) => Update(seed, data);

    /// <summary>Eight bytes a step through the eight tables (a metadata ring is 11 MiB of text to check), then byte by byte.</summary>
    private static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        var table = Table.AsSpan();
        while (data.Length >= 8)
        {
            var low = state ^ BinaryPrimitives.ReadUInt32LittleEndian(data);
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = table[(7 * 256) + (int)(low & 0xFF)] ^ table[(6 * 256) + (int)((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + (int)((low >> 16) & 0xFF)] ^ table[(4 * 256) + (int)(low >> 24)]
                ^ table[(3 * 256) + (int)(high & 0xFF)] ^ table[(2 * 256) + (int)((high >> 8) & 0xFF)]
                ^ table[256 + (int)((high >> 16) & 0xFF)] ^ table[(int)(high >> 24)];
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = table[(int)((state ^ b) & 0xFF)] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] BuildTables()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        for (var k = 1; k < 8; k++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((k - 1) * 256) + i];
                table[(k * 256) + i] = table[(int)(previous & 0xFF)] ^ (previous >> 8);
            }
        }

        return table;
    }
}
