using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Vhd;

namespace SrRescue.Xen;

/// <summary>
/// Finds a VHD's parent among the LVs of its SR: the parent's device-mapper name in the header and
/// locators (`VG_XenStorage--&lt;sr&gt;-VHD--&lt;uuid&gt;`) names the LV; when that LV is missing or
/// its footer uuid is not the child's parent uuid, every VHD LV of the SR (present or removed) is
/// tried by footer uuid. Parents that were removed are read through the copy that still has them.
/// </summary>
public sealed class LvParentResolver(SrVolumes volumes) : IVhdParentResolver
{
    private Dictionary<Guid, string>? _byUuid;

    public ResolvedParent? Resolve(VhdImage child, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(child);
        var wanted = child.Header?.ParentUuid ?? Guid.Empty;
        foreach (var name in ParentName.Candidates(child, log))
        {
            if (DeviceMapperName.Split(name) is not { } dm)
            {
                continue;
            }

            var volume = volumes.Open(dm.Lv, log);
            if (volume is not null && (wanted == Guid.Empty || VhdFooter.ReadUuid(volume, copyAtStartFirst: true) == wanted))
            {
                return new ResolvedParent(volume, dm.Lv, LvhdFooters.OnLv);
            }
        }

        if (wanted != Guid.Empty && ByUuid(log).TryGetValue(wanted, out var lvName) && volumes.Open(lvName, log) is { } found)
        {
            log.Add(Severity.Warning, VhdCodes.ChainParentByUuid, "VHD parent", -1,
                $"the parent's name in the header does not lead to it; {lvName} is the parent by its footer uuid {wanted}", source: child.Name);
            return new ResolvedParent(found, lvName, LvhdFooters.OnLv);
        }

        return null;
    }

    private Dictionary<Guid, string> ByUuid(FindingLog log)
    {
        if (_byUuid is not null)
        {
            return _byUuid;
        }

        _byUuid = [];
        foreach (var name in volumes.AllLvNames().Where(n => LvName.Parse(n).Kind == LvKind.VhdVdi))
        {
            if (volumes.Open(name, log) is { } v && VhdFooter.ReadUuid(v, copyAtStartFirst: true) is { } uuid)
            {
                _byUuid.TryAdd(uuid, name);
            }
        }

        return _byUuid;
    }
}
