using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// For fault F4: carves the data area and adds the VDIs found that way (VHD and QCOW2) to the SR's
/// inventory, as state "carved", named from the MGT records where their uuid is known. A VDI MGT alone knew
/// (unaccounted) is replaced by its carved self.
/// </summary>
internal static class CarvedInventory
{
    public static IReadOnlyList<SrVdi> Merge(LvmInspection lvm, SrInventory sr, FindingLog log)
    {
        if (lvm.Pvs.PvSources.Count == 0)
        {
            return sr.Vdis;
        }

        var result = CarvedVdiNaming.Name(Carver.Carve(lvm, lvm.Pvs.PvSources, LvhdFooters.OnLv, log), sr.Mgt?.Records ?? [], log);
        var vhds = result.Vdis.Select(v => Carved(sr, v.VdiUuid, v.LvName, LvKind.VhdVdi, v.Lv.Length, v.Image.VirtualSizeBytes, v.IsHidden,
            v.ParentVhdUuid is { } p ? result.FindByVhdUuid(p)?.VdiUuid : null));

        // A QCOW2 child names its parent's VDI uuid in its backing file whether or not the parent was carved.
        var qcow2 = result.Qcow2Vdis.Select(v => Carved(sr, v.VdiUuid, v.LvName, LvKind.Qcow2Vdi, v.Lv.Length, v.Image.VirtualSizeBytes, v.IsHidden,
            v.ParentStartPe is { } pe ? result.FindQcow2ByStartPe(pe)?.VdiUuid : v.BackingVdiUuid));
        var carved = vhds.Concat(qcow2).ToList();
        var carvedUuids = carved.Select(c => c.Uuid).ToHashSet(StringComparer.Ordinal);
        return [.. sr.Vdis.Where(v => !(v.State == VdiState.Unaccounted && carvedUuids.Contains(v.Uuid))), .. carved.Where(c => sr.Vdis.All(v => v.Uuid != c.Uuid || v.State == VdiState.Unaccounted))];
    }

    private static SrVdi Carved(SrInventory sr, string uuid, string lv, LvKind kind, long lvSize, long virtualSize, bool hidden, string? parent)
    {
        var record = sr.Mgt?.Find(uuid)?.Best;
        return new SrVdi
        {
            Uuid = uuid,
            LvName = lv,
            Kind = kind,
            State = VdiState.Carved,
            LvSizeBytes = lvSize,
            VirtualSizeBytes = virtualSize,
            ParentUuid = parent,
            Hidden = hidden,
            NameLabel = record?.NameLabel,
            NameDescription = record?.NameDescription,
            IsASnapshot = record?.IsASnapshot,
            SnapshotOf = string.IsNullOrEmpty(record?.SnapshotOf) ? null : record.SnapshotOf,
            ReadOnly = record?.ReadOnly,
            Type = record?.Type,
            MgtRecord = record is null ? "none" : record.IsStale ? "stale" : record.IsDeleted ? "deleted" : "live",
        };
    }
}
