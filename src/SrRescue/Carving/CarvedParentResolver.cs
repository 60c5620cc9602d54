using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>
/// Finds a carved VHD's parent among the other carved VHDs: by the child's parent UUID (the
/// parent's footer uuid, xenserver-lvhd.md 2.6), else by the LV name its locators give.
/// </summary>
internal sealed class CarvedParentResolver : IVhdParentResolver
{
    private readonly IReadOnlyList<CarvedVdi> _vdis;
    private readonly FooterPolicy _footers;

    public CarvedParentResolver(IReadOnlyList<CarvedVdi> vdis, FooterPolicy footers)
    {
        _vdis = vdis;
        _footers = footers;
    }

    public ResolvedParent? Resolve(VhdImage child, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(child);
        var wanted = child.Header?.ParentUuid ?? Guid.Empty;
        var byUuid = _vdis.FirstOrDefault(v => v.Vhd.VhdUuid == wanted && wanted != Guid.Empty);
        if (byUuid is not null)
        {
            return new ResolvedParent(byUuid.Lv, byUuid.LvName, _footers);
        }

        foreach (var name in ParentName.Candidates(child, new FindingLog()))
        {
            if (DeviceMapperName.Split(name) is { } dm && _vdis.FirstOrDefault(v => v.LvName == dm.Lv) is { } byName)
            {
                return new ResolvedParent(byName.Lv, byName.LvName, _footers);
            }
        }

        return null;
    }
}
