namespace SrRescue.Vhd;

/// <summary>
/// The VHD checksum (vhd.md 1.2, 2.1, 3.4): the one's complement of the sum of the bytes, with the
/// checksum field itself counted as zero.
/// </summary>
internal static class VhdChecksum
{
    /// <param name="checksumAt">Offset of the 4-byte checksum field inside <paramref name="bytes"/>, or -1.</param>
    public static uint Compute(ReadOnlySpan<byte> bytes, int checksumAt)
    {
        uint sum = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i >= checksumAt && i < checksumAt + 4)
            {
                continue;
            }

            sum += bytes[i];
        }

        return ~sum;
    }
}
