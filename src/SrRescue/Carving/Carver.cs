using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Vhd;
using SrRescue.Xen.Mgt;

namespace SrRescue.Carving;

/// <summary>What a carve found: the grid, the VDIs, and the used extents no VHD accounts for.</summary>
public sealed record CarveResult(IByteSource Pv, ExtentGrid Grid, IReadOnlyList<CarvedVdi> Vdis, IReadOnlyList<long> UnaccountedPes)
{
    public CarvedVdi? FindByVhdUuid(Guid uuid) => Vdis.FirstOrDefault(v => v.Vhd.VhdUuid == uuid);

    /// <summary>
    /// How sure the disk the VDI's chain reads is: the lowest confidence of any extent of the VDI
    /// and of its carved parents (a child placed with certainty still reads its parent's guesses).
    /// </summary>
    public ExtentConfidence ChainConfidence(CarvedVdi vdi)
    {
        ArgumentNullException.ThrowIfNull(vdi);
        var lowest = vdi.Vhd.Confidence;
        var seen = new HashSet<Guid> { vdi.Vhd.VhdUuid };
        for (var p = vdi.ParentVhdUuid; p is { } uuid && seen.Add(uuid) && FindByVhdUuid(uuid) is { } parent; p = parent.ParentVhdUuid)
        {
            lowest = parent.Vhd.Confidence < lowest ? parent.Vhd.Confidence : lowest;
        }

        return lowest;
    }

    /// <summary>The VDI's virtual disk read through its carved parents (fault F4 export).</summary>
    public VhdChain OpenChain(CarvedVdi vdi, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(vdi);
        return VhdChain.Open(vdi.Lv, vdi.LvName, new CarvedParentResolver(Vdis), log, onLv: true);
    }
}

/// <summary>
/// Metadata-less recovery of the VHD VDIs of an LVHD SR (fault F4, vhd.md 6.5): finds every VHD
/// start on the extent grid, rebuilds each LV's extent map from the VHD's own structures, links
/// chains and names the VDIs from children's locators and MGT records.
/// </summary>
public static class Carver
{
    /// <summary>Extents of <paramref name="pv"/> that any usable metadata copy gives to any LV (they are not free).</summary>
    public static IReadOnlySet<long> ReservedPes(LvmInspection lvm, IByteSource pv, Func<string, bool>? includeLv = null)
    {
        ArgumentNullException.ThrowIfNull(lvm);
        var result = new HashSet<long>();
        var pvId = lvm.Pvs.PvUuidOf(pv);
        if (pvId is null || lvm.Vg is null)
        {
            return result;
        }

        foreach (var lv in lvm.Vg!.Versions.Where(v => v.IsUsable).SelectMany(v => v.Summary!.Lvs))
        {
            if (includeLv is not null && !includeLv(lv.Name))
            {
                continue;
            }

            foreach (var r in lv.Ranges.Where(r => r.PvId == pvId))
            {
                for (var pe = r.FirstPe; pe < r.EndPe && pe - r.FirstPe < 1 << 24; pe++)
                {
                    result.Add(pe);
                }
            }
        }

        return result;
    }

    public static CarveResult Carve(IByteSource pv, ExtentGrid grid, IReadOnlySet<long> reservedPes, IReadOnlyList<MgtVdiRecord>? mgtRecords,
        FindingLog log, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(pv);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(reservedPes);
        ArgumentNullException.ThrowIfNull(log);
        var starts = VhdStartScanner.Scan(pv, grid, reservedPes.Contains, log, progress);
        var builder = new ExtentMapBuilder(pv, grid, reservedPes, log);
        var carved = builder.Build(starts, progress);
        var vdis = VdiNaming.Name(pv, grid, carved, mgtRecords ?? [], log);
        var unaccounted = Unaccounted(pv, grid, builder.Claimed, progress);
        foreach (var pe in unaccounted)
        {
            log.Add(Severity.Info, "carve.extent.unaccounted", "PV extent", grid.OffsetOf(pe),
                $"extent {pe} holds data but no metadata copy and no carved VHD claims it (a raw VDI, a journal, or an uncarvable VHD)", source: pv.Name);
        }

        progress?.Report(new WorkProgress("carving", 1, 1));
        return new CarveResult(pv, grid, vdis, unaccounted);
    }

    /// <summary>Unclaimed extents whose first or middle 4 KiB is not zeros.</summary>
    private static List<long> Unaccounted(IByteSource pv, ExtentGrid grid, IReadOnlySet<long> claimed, IProgress<WorkProgress>? progress)
    {
        var result = new List<long>();
        var sample = new byte[4096];
        for (long pe = 0; pe < grid.ExtentCount; pe++)
        {
            if (pe % 256 == 0)
            {
                progress?.Report(new WorkProgress("checking unclaimed extents", pe, grid.ExtentCount));
            }

            if (claimed.Contains(pe))
            {
                continue;
            }

            var at = grid.OffsetOf(pe);
            var n = pv.ReadFullyAt(at, sample);
            var used = sample.AsSpan(0, n).ContainsAnyExcept((byte)0);
            if (!used)
            {
                n = pv.ReadFullyAt(at + (grid.ExtentSizeBytes / 2), sample);
                used = sample.AsSpan(0, n).ContainsAnyExcept((byte)0);
            }

            if (used)
            {
                result.Add(pe);
            }
        }

        return result;
    }
}
