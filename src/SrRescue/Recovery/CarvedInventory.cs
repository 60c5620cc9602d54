using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// For fault F4: carves the data area and adds the VDIs found that way to the SR's inventory, as
/// state "carved", named from the MGT records where their uuid is known. A VDI MGT alone knew
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
        var carved = result.Vdis.Select(v =>
        {
            var record = sr.Mgt?.Find(v.VdiUuid)?.Best;
            var parent = v.ParentVhdUuid is { } p ? result.FindByVhdUuid(p)?.VdiUuid : null;
            return new SrVdi
            {
                Uuid = v.VdiUuid,
                LvName = v.LvName,
                Kind = LvKind.VhdVdi,
                State = VdiState.Carved,
                LvSizeBytes = v.Lv.Length,
                VirtualSizeBytes = v.Image.VirtualSizeBytes,
                ParentUuid = parent,
                Hidden = v.IsHidden,
                NameLabel = record?.NameLabel,
                NameDescription = record?.NameDescription,
                IsASnapshot = record?.IsASnapshot,
                SnapshotOf = string.IsNullOrEmpty(record?.SnapshotOf) ? null : record.SnapshotOf,
                ReadOnly = record?.ReadOnly,
                Type = record?.Type,
                MgtRecord = record is null ? "none" : record.IsStale ? "stale" : record.IsDeleted ? "deleted" : "live",
            };
        }).ToList();
        var carvedUuids = carved.Select(c => c.Uuid).ToHashSet(StringComparer.Ordinal);
        return [.. sr.Vdis.Where(v => !(v.State == VdiState.Unaccounted && carvedUuids.Contains(v.Uuid))), .. carved.Where(c => sr.Vdis.All(v => v.Uuid != c.Uuid || v.State == VdiState.Unaccounted))];
    }
}
