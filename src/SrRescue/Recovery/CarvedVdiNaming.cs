using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Vhd;
using SrRescue.Xen;
using SrRescue.Xen.Mgt;

namespace SrRescue.Recovery;

/// <summary>
/// Gives each carved VHD its VDI uuid. The footer uuid is not the VDI uuid
/// (xenserver-lvhd.md 2.5); what survives is: children's parent names
/// (<c>…-VHD--&lt;uuid&gt;</c>, 2.6), and MGT records (also stale ones past the header's length), whose
/// <c>snapshot_of</c> ties a snapshot to its VDI: both are children of the same base copy, and the
/// snapshot leaf is created after the VDI's new leaf (2.7), so it starts on a later extent.
/// The carve itself knows nothing of XenServer: it gives each VHD its footer uuid; this names them.
/// QCOW2 images come named only where a child's backing file names them (Qcow2ChainLinker); MGT
/// names the others by the same snapshot link (the two children of one base copy) and last-one
/// rules, a record naming only images of its vdi_type.
/// </summary>
public static class CarvedVdiNaming
{
    public static CarveResult Name(CarveResult result, IReadOnlyList<MgtVdiRecord> records, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(log);
        var carved = result.Vdis.Select(v => v.Vhd).ToList();
        var vdiOf = result.Vdis.ToDictionary(v => v.Vhd);
        var byUuid = carved.GroupBy(c => c.VhdUuid).ToDictionary(g => g.Key, g => g.First());
        var names = new Dictionary<CarvedVhd, (string Uuid, VdiUuidSource Source)>();

        // 1. Children name their parent.
        foreach (var c in carved.Where(c => c.Start.IsDifferencing))
        {
            if (!byUuid.TryGetValue(c.Start.Header.ParentUuid, out var parent) || names.ContainsKey(parent))
            {
                continue;
            }

            foreach (var n in ParentName.Candidates(vdiOf[c].Image, new FindingLog()))
            {
                if (DeviceMapperName.Split(n) is { } dm && LvName.Parse(dm.Lv).VdiUuid is { } uuid)
                {
                    names[parent] = (uuid, VdiUuidSource.ChildLocator);
                    break;
                }
            }
        }

        var usable = records.Where(r => !r.IsDamaged && Guid.TryParse(r.Uuid, out _)).GroupBy(r => r.Uuid, StringComparer.Ordinal)
            .Select(g => g.First()).ToList();
        var qcow2Names = result.Qcow2Vdis.Where(v => v.UuidSource != VdiUuidSource.Derived).ToDictionary(v => v, v => (Uuid: v.VdiUuid, Source: v.UuidSource));
        bool Taken(string uuid) => names.Values.Concat(qcow2Names.Values).Any(v => string.Equals(v.Uuid, uuid, StringComparison.OrdinalIgnoreCase));

        // 2q. The same for QCOW2: the two unnamed children linked to one base copy.
        foreach (var snap in usable.Where(r => r.IsASnapshot == true && r.SnapshotOf is not null && r.VdiType is null or "qcow2"))
        {
            var pairs = result.Qcow2Vdis.Where(v => v.ParentStartPe is not null && !qcow2Names.ContainsKey(v)).GroupBy(v => v.ParentStartPe).Where(g => g.Count() == 2).ToList();
            if (Taken(snap.Uuid) || Taken(snap.SnapshotOf!) || pairs.Count != 1)
            {
                continue;
            }

            var ordered = pairs[0].OrderBy(v => v.StartPe).ToList();
            qcow2Names[ordered[0]] = (snap.SnapshotOf!, VdiUuidSource.MgtSnapshotLink);
            qcow2Names[ordered[1]] = (snap.Uuid, VdiUuidSource.MgtSnapshotLink);
        }

        // 2. A snapshot record and the VDI it is of: the two unnamed children of one base copy.
        foreach (var snap in usable.Where(r => r.IsASnapshot == true && r.SnapshotOf is not null))
        {
            if (Taken(snap.Uuid) || Taken(snap.SnapshotOf!))
            {
                continue;
            }

            var pairs = carved.Where(c => c.Start.IsDifferencing && !names.ContainsKey(c)).GroupBy(c => c.Start.Header.ParentUuid)
                .Where(g => g.Count() == 2).ToList();
            if (pairs.Count != 1)
            {
                continue;
            }

            var ordered = pairs[0].OrderBy(c => c.Start.Pe).ToList();
            names[ordered[0]] = (snap.SnapshotOf!, VdiUuidSource.MgtSnapshotLink);
            names[ordered[1]] = (snap.Uuid, VdiUuidSource.MgtSnapshotLink);
        }

        // 3. One record left for one unnamed VHD or QCOW2 image, of its kind when the record says.
        var leftRecords = usable.Where(r => !Taken(r.Uuid) && r.IsDeleted != true).ToList();
        var unnamed = carved.Where(c => !names.ContainsKey(c)).ToList();
        var unnamedQcow2 = result.Qcow2Vdis.Where(v => !qcow2Names.ContainsKey(v)).ToList();
        if (leftRecords.Count == 1 && unnamed.Count == 1 && unnamedQcow2.Count == 0 && leftRecords[0].VdiType is null or "vhd")
        {
            names[unnamed[0]] = (leftRecords[0].Uuid, VdiUuidSource.MgtLastOne);
        }
        else if (leftRecords.Count == 1 && unnamed.Count == 0 && unnamedQcow2.Count == 1 && leftRecords[0].VdiType is null or "qcow2")
        {
            qcow2Names[unnamedQcow2[0]] = (leftRecords[0].Uuid, VdiUuidSource.MgtLastOne);
        }

        var candidates = usable.Where(r => !Taken(r.Uuid)).Select(r => r.Uuid).ToList();
        var named = new List<CarvedVdi>();
        foreach (var v in result.Vdis)
        {
            var (uuid, source) = names.TryGetValue(v.Vhd, out var n) ? n : (v.Vhd.VhdUuid.ToString(), VdiUuidSource.VhdFooter);
            if (source == VdiUuidSource.VhdFooter)
            {
                ExtentSpace.Log(log, result.Pv, Severity.Warning, "carve.vdi.unnamed", "carved VHD", result.Grid.OffsetOf(v.Vhd.Start.Pe),
                    $"no child locator or MGT record names the VDI of VHD {v.Vhd.VhdUuid}; its footer uuid stands in" +
                    (candidates.Count > 0 ? $" (unmatched MGT records: {string.Join(", ", candidates)})" : ""));
            }

            named.Add(v with { VdiUuid = uuid.ToLowerInvariant(), UuidSource = source, UuidCandidates = source == VdiUuidSource.VhdFooter ? candidates : [] });
        }

        var qcow2Candidates = usable.Where(r => !Taken(r.Uuid) && r.VdiType is null or "qcow2").Select(r => r.Uuid).ToList();
        var qcow2 = new List<CarvedQcow2Vdi>();
        foreach (var v in result.Qcow2Vdis)
        {
            if (qcow2Names.TryGetValue(v, out var n))
            {
                qcow2.Add(v with { VdiUuid = n.Uuid.ToLowerInvariant(), UuidSource = n.Source, UuidCandidates = [] });
                continue;
            }

            ExtentSpace.Log(log, result.Pv, Severity.Warning, "carve.vdi.unnamed", "carved QCOW2", result.Grid.OffsetOf(v.StartPe),
                $"no child's backing file or MGT record names the VDI of the QCOW2 image at {ExtentSpace.Extent(result.Pv, v.StartPe)}; a uuid derived from where it starts stands in" +
                (qcow2Candidates.Count > 0 ? $" (unmatched MGT records: {string.Join(", ", qcow2Candidates)})" : ""));
            qcow2.Add(v with { UuidCandidates = qcow2Candidates });
        }

        return result with { Vdis = named, Qcow2Vdis = qcow2 };
    }
}
