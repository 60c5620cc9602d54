namespace SrRescue.Carving;

/// <summary>
/// Whether data sectors agree with the VHD bitmap that covers them: blktap zero-fills a new block,
/// so a sector whose bit is clear must read as zeros (vhd.md 6.4).
/// </summary>
internal static class BitmapAgreement
{
    private const int Sector = 512;

    /// <summary>
    /// Sector s (block-relative firstSector + i) with its bit clear must be zeros; with its bit set
    /// it is counted as agreeing when it holds something (written zeros are neutral).
    /// </summary>
    public static (int Agree, int Disagree) Count(ReadOnlySpan<byte> data, ReadOnlySpan<byte> bitmap, long firstSector, int count)
    {
        count = Math.Min(count, data.Length / Sector);
        var nonZero = new ulong[(count + 63) / 64];
        NoteNonZero(data[..(count * Sector)], nonZero, 0);
        return Count(nonZero, bitmap, firstSector, count);
    }

    /// <summary>As <see cref="Count(ReadOnlySpan{byte}, ReadOnlySpan{byte}, long, int)"/>, with bit i of <paramref name="nonZero"/> saying whether data sector i holds anything.</summary>
    public static (int Agree, int Disagree) Count(ReadOnlySpan<ulong> nonZero, ReadOnlySpan<byte> bitmap, long firstSector, int count)
    {
        int agree = 0, disagree = 0;
        for (var i = 0; i < count && i < nonZero.Length * 64; i++)
        {
            var s = firstSector + i;
            if (s >> 3 >= bitmap.Length)
            {
                break;
            }

            var set = (bitmap[(int)(s >> 3)] & (0x80 >> (int)(s & 7))) != 0;
            var held = (nonZero[i >> 6] & (1UL << (i & 63))) != 0;
            if (!set && held)
            {
                disagree++;
            }
            else if (set == held)
            {
                agree++;
            }
        }

        return (agree, disagree);
    }

    /// <summary>Sets bit first + i of <paramref name="nonZero"/> for every sector i of <paramref name="data"/> that is not all zeros.</summary>
    public static void NoteNonZero(ReadOnlySpan<byte> data, Span<ulong> nonZero, int first)
    {
        for (var i = 0; i < data.Length / Sector; i++)
        {
            if (data.Slice(i * Sector, Sector).ContainsAnyExcept((byte)0))
            {
                var n = first + i;
                nonZero[n >> 6] |= 1UL << (n & 63);
            }
        }
    }
}
