namespace SrRescue.Vhd;

/// <summary>
/// The CHS geometry of the VHD specification's appendix (vhd.md 1.6; the same in blktap
/// `vhd_chs` and qemu `calculate_geometry`), packed as the footer stores it:
/// cylinders &lt;&lt; 16 | heads &lt;&lt; 8 | sectors per track. The CHS product is usually a little
/// smaller than the size; `vhd-util check` requires a footer's geometry to be at most this.
/// </summary>
internal static class VhdGeometry
{
    /// <summary>65535 cylinders × 16 heads × 255 sectors: the largest geometry, also qemu's `force_size` value.</summary>
    public const long MaxSectors = 65535L * 16 * 255;

    public static uint ForSize(ulong sizeBytes)
    {
        var totalSectors = (long)Math.Min(MaxSectors, (sizeBytes / 512) + (sizeBytes % 512 == 0 ? 0UL : 1UL));
        long sectorsPerTrack;
        long heads;
        long cylindersTimesHeads;
        if (totalSectors >= 65535L * 16 * 63)
        {
            sectorsPerTrack = 255;
            heads = 16;
            cylindersTimesHeads = totalSectors / sectorsPerTrack;
        }
        else
        {
            sectorsPerTrack = 17;
            cylindersTimesHeads = totalSectors / sectorsPerTrack;
            heads = Math.Max(4, (cylindersTimesHeads + 1023) / 1024);
            if (cylindersTimesHeads >= heads * 1024 || heads > 16)
            {
                sectorsPerTrack = 31;
                heads = 16;
                cylindersTimesHeads = totalSectors / sectorsPerTrack;
            }

            if (cylindersTimesHeads >= heads * 1024)
            {
                sectorsPerTrack = 63;
                heads = 16;
                cylindersTimesHeads = totalSectors / sectorsPerTrack;
            }
        }

        var cylinders = cylindersTimesHeads / heads;
        return Pack((int)cylinders, (int)heads, (int)sectorsPerTrack);
    }

    public static uint Pack(int cylinders, int heads, int sectorsPerTrack) =>
        ((uint)cylinders << 16) | ((uint)heads << 8) | (uint)sectorsPerTrack;

    /// <summary>The bytes a geometry addresses: what qemu takes as the disk size for `vpc `/`qemu` creators (vhd.md 5.3).</summary>
    public static long CapacityBytes(uint geometry) => (long)(geometry >> 16) * ((geometry >> 8) & 0xFF) * (geometry & 0xFF) * 512;
}
