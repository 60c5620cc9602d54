using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The BAT of the repaired file, from the entries that survived: an entry pointing into the
/// metadata or wholly past the end of the file cannot be right and is dropped (its block is
/// lost); of two overlapping blocks the one off the allocation grid is dropped; a block the file
/// cuts short is kept as far as it goes.
/// </summary>
internal static class BatRepair
{
    public const int MaxActionsListed = 64;
    public const string IntoMetadata = "its BAT entry pointed into the metadata (header, BAT, batmap, locators)";
    public const string OffGrid = "its BAT entry overlapped another block that sits on the allocation grid while it does not";
    public const string PastTheEnd = "its BAT entry put its bitmap past the end of the file";

    public sealed record Result(uint[] Bat, List<LostBlock> Lost, List<PartialBlock> Partial, List<RepairAction> Actions, int Kept);

    /// <summary>Builds it from the stored entries (<paramref name="stored"/> is not changed).</summary>
    public static Result Build(CappedFindings log, HeaderStage header, long endOfHeadersBytes, uint[] stored, long sourceLengthBytes, AllocationGrid grid)
    {
        var bat = (uint[])stored.Clone();
        var lost = new List<LostBlock>();
        var partial = new List<PartialBlock>();
        var actions = new List<RepairAction>();
        var footprint = header.BlockFootprintSectors;
        var eohSector = (endOfHeadersBytes + VhdImage.SectorSize - 1) / VhdImage.SectorSize;
        var fileSectors = sourceLengthBytes / VhdImage.SectorSize;

        var dropped = 0;
        void Drop(int block, string reason)
        {
            var at = (long)bat[block] * VhdImage.SectorSize;
            lost.Add(new LostBlock(block, at, reason));
            if (++dropped <= MaxActionsListed)
            {
                actions.Add(new RepairAction(BatRules.What, header.BatAt + (4L * block), $"entry of block {block}", $"0x{bat[block]:x8}", "0xffffffff (unallocated)", reason));
            }

            bat[block] = VhdImage.Unallocated;
        }

        for (var i = 0; i < bat.Length; i++)
        {
            var e = bat[i];
            if (e == VhdImage.Unallocated)
            {
                continue;
            }

            if (e < eohSector)
            {
                Drop(i, IntoMetadata);
            }
            else if (e + (long)header.BitmapSectors > fileSectors)
            {
                Drop(i, PastTheEnd);
            }
        }

        DropOverlaps(log, header.BatAt, bat, grid, footprint, Drop);
        if (dropped > MaxActionsListed)
        {
            actions.Add(new RepairAction(BatRules.What, header.BatAt, "entries", $"{dropped} impossible", "unallocated", $"{dropped - MaxActionsListed} more like the above are not listed (the lost blocks are)"));
        }
        var kept = 0;
        for (var i = 0; i < bat.Length; i++)
        {
            if (bat[i] == VhdImage.Unallocated)
            {
                continue;
            }

            kept++;
            var dataAt = ((long)bat[i] + header.BitmapSectors) * VhdImage.SectorSize;
            if (dataAt + header.BlockSizeBytes > sourceLengthBytes)
            {
                partial.Add(new PartialBlock(i, (long)bat[i] * VhdImage.SectorSize, Math.Max(0, sourceLengthBytes - dataAt), header.BlockSizeBytes));
            }
        }

        return new Result(bat, lost, partial, actions, kept);
    }

    /// <summary>Sorted sweep over the entries; of an overlapping pair, one off the grid goes. Two on the grid both stay (reported).</summary>
    private static void DropOverlaps(CappedFindings log, long batAt, uint[] bat, AllocationGrid grid, long footprint, Action<int, string> drop)
    {
        var order = Enumerable.Range(0, bat.Length).Where(i => bat[i] != VhdImage.Unallocated).OrderBy(i => bat[i]).ThenBy(i => i).ToList();
        var reach = -1;
        foreach (var i in order)
        {
            if (bat[i] == VhdImage.Unallocated)
            {
                continue;
            }

            if (reach >= 0 && bat[reach] != VhdImage.Unallocated && bat[i] < bat[reach] + footprint)
            {
                var iOn = grid.Holds(bat[i]);
                var reachOn = grid.Holds(bat[reach]);
                if (iOn && !reachOn)
                {
                    drop(reach, OffGrid);
                }
                else if (!iOn && reachOn)
                {
                    drop(i, OffGrid);
                    continue;
                }
                else
                {
                    log.Add(Severity.Warning, "vhd.repair.overlap-kept", BatRules.What, batAt + (4L * i),
                        $"blocks {reach} and {i} overlap and nothing tells which is right; both are kept, so the overlapping sectors read the same bytes in both");
                    continue;
                }
            }

            if (reach < 0 || bat[reach] == VhdImage.Unallocated || bat[i] + footprint > bat[reach] + footprint)
            {
                reach = i;
            }
        }
    }
}
