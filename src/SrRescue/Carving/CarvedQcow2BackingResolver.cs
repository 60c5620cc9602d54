using SrRescue.Diagnostics;
using SrRescue.Qcow2;

namespace SrRescue.Carving;

/// <summary>
/// Finds a carved QCOW2 image's backing file among the carved VDIs: the image Qcow2ChainLinker
/// linked it to, or a carved VHD VDI whose LV the backing file name gives (read as its VHD chain).
/// </summary>
internal sealed class CarvedQcow2BackingResolver(CarveResult result) : IQcow2BackingResolver
{
    public ResolvedBacking? Resolve(Qcow2Image child, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(child);
        var vdi = result.Qcow2Vdis.FirstOrDefault(v => ReferenceEquals(v.Lv, child.Source));
        if (vdi is null)
        {
            return null;
        }

        if (vdi.ParentStartPe is { } pe && result.Qcow2Vdis.FirstOrDefault(v => v.StartPe == pe) is { } parent)
        {
            return new ResolvedBacking(parent.Lv, parent.LvName);
        }

        if (vdi.BackingLvName is { } lv && result.Vdis.FirstOrDefault(v => v.LvName == lv) is { } vhd)
        {
            return new ResolvedBacking(result.OpenChain(vhd, log).Disk, vhd.LvName);
        }

        return null;
    }
}
