namespace SrRescue.Lvm;

/// <summary>
/// LVM's checksum (lvm2.md 1.3): reflected CRC-32 with polynomial 0xEDB88320, initial value
/// 0xF597A6CF, no final XOR. Because there is no final XOR, the CRC of a concatenation is the CRC
/// of the second part seeded with the CRC of the first; wrapped metadata relies on this.
/// System.IO.Hashing.Crc32 cannot be seeded, hence this table implementation.
/// </summary>
internal static class LvmCrc
{
    public const uint Initial = 0xF597A6CF;

    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data, uint seed = Initial)
    {
        var crc = seed;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
