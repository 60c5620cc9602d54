namespace SrRescue.Vhd;

/// <summary>
/// Where a block's bitmap can start. blktap puts the data of every block on a 4 KiB page, so a
/// bitmap sector b has (b + bitmap sectors) % 8 == 0 — sector 7 mod 8 for 2 MiB blocks, with a
/// stride of 4104 sectors (vhd.md 3.3, 6.4). qemu, vhd-lib and export streams pack blocks without
/// alignment, so any sector may start one.
/// </summary>
internal readonly record struct AllocationGrid(int AlignSectors, int RemainderSectors)
{
    public static AllocationGrid Packed => new(1, 0);

    /// <summary>blktap's grid: 8-sector pages, bitmap just before a page.</summary>
    public static AllocationGrid Paged(int bitmapSectors) => new(8, ((8 - (bitmapSectors % 8)) % 8));

    /// <summary>
    /// The grid the surviving BAT entries follow: paged when most of a tapdisk image's entries (nine
    /// in ten of anyone else's) sit on blktap's grid, or when there are none and tapdisk made the
    /// image; packed otherwise.
    /// </summary>
    public static AllocationGrid Of(IReadOnlyList<uint> bat, int bitmapSectors, bool creatorTap)
    {
        var paged = Paged(bitmapSectors);
        long allocated = 0, onGrid = 0;
        foreach (var e in bat)
        {
            if (e != VhdImage.Unallocated)
            {
                allocated++;
                onGrid += paged.Holds(e) ? 1 : 0;
            }
        }

        if (allocated == 0)
        {
            return creatorTap ? paged : Packed;
        }

        // By chance one entry in eight sits on the grid; tapdisk images need only a majority.
        return (creatorTap ? onGrid * 2 > allocated : onGrid * 10 >= allocated * 9) ? paged : Packed;
    }

    public bool Holds(long sector) => sector % AlignSectors == RemainderSectors;

    /// <summary>The first grid sector at or after <paramref name="sector"/>.</summary>
    public long AtOrAfter(long sector)
    {
        var r = sector % AlignSectors;
        var add = (RemainderSectors - r + AlignSectors) % AlignSectors;
        return sector + add;
    }
}
