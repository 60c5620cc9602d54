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
        int agree = 0, disagree = 0;
        for (var i = 0; i < count && (i + 1) * Sector <= data.Length; i++)
        {
            var s = firstSector + i;
            if (s >> 3 >= bitmap.Length)
            {
                break;
            }

            var set = (bitmap[(int)(s >> 3)] & (0x80 >> (int)(s & 7))) != 0;
            var nonZero = data.Slice(i * Sector, Sector).ContainsAnyExcept((byte)0);
            if (!set && nonZero)
            {
                disagree++;
            }
            else if (set == nonZero)
            {
                agree++;
            }
        }

        return (agree, disagree);
    }
}
