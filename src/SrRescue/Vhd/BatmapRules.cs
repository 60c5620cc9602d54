using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The batmap rule of vhd-util check (vhd.md 3.4, vhd_util_check_batmap) that needs the BAT: every
/// block marked full must be allocated. The batmap's own rules are checked as it is read
/// (<see cref="BatmapStage.Read"/>).
/// </summary>
internal static class BatmapRules
{
    public const string What = "VHD batmap header";

    /// <summary>Largest map read: one bit per BAT entry of the largest BAT we accept.</summary>
    public const long MaxMapBytes = VhdImage.MaxBatEntries / 8;

    /// <summary>The batmap may only mark allocated blocks full (vhd_util_check_batmap).</summary>
    public static void CheckFullBlocksAllocated(CappedFindings log, BatmapStage batmap, BatStage bat)
    {
        if (batmap.Map is not { } map || batmap.Header is not { } header)
        {
            return;
        }

        var blocks = (int)Math.Min(bat.Entries.Length, (long)map.Length * 8);
        for (var i = 0; i < blocks; i++)
        {
            if (batmap.SaysFull(i) && !bat.IsAllocated(i))
            {
                log.Add(Severity.Error, "vhd.batmap.unallocated-full", "VHD batmap", (long)header.BatmapOffset + (i >> 3),
                    $"the batmap marks block {i} full but the BAT does not allocate it (its BAT entry may have been lost: vhd repair looks for its data)",
                    "bit set", "bit clear, or the block allocated");
            }
        }
    }
}
