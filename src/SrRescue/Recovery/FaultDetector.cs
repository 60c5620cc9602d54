using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// Decides which faults of the playbook apply to an SR on LVM, from what the LVM, VHD, QCOW2 and
/// XenServer layers found, and collects the evidence for each (DESIGN.md, fault table).
/// </summary>
internal static partial class FaultDetector
{
    public static List<Fault> Detect(LvmInspection lvm, SrInventory sr, IReadOnlyList<OrphanVhdProbe.Orphan> orphans)
    {
        var faults = new List<Fault>();
        SourceFaults.Detect(lvm, faults);
        DetectLostTable(lvm, faults);
        DetectWipedMetadata(lvm, faults);
        DetectDeletedVdis(lvm, sr, faults);
        DetectMissingMetadata(lvm, sr, orphans, faults);
        DetectDamagedImages(sr, faults);
        if (NotAnSr(lvm) is { } plain)
        {
            // A plain LVM VG: no MGT, no VDIs, no xe steps; say what it is and how its LVs export.
            faults.Add(plain);
            return faults;
        }

        faults.Add(Names(sr));
        faults.Add(new Fault(FaultId.F7, FaultKind.Reattach, "Getting the disks back into XenServer",
            ["the plan below ends with the xe commands, with the SR's real uuid"]));
        return faults;
    }

    /// <summary>F3 without any metadata copy or backup: what carving the data area found, the only VDIs there are.</summary>
    public static void AddCarveResult(List<Fault> faults, IReadOnlyList<SrVdi> vdis)
    {
        var i = faults.FindIndex(f => f.Id == FaultId.F3 && f.Kind == FaultKind.MdaWiped);
        if (i < 0)
        {
            return;
        }

        var carved = vdis.Where(v => v.State == VdiState.Carved).ToList();
        List<string> evidence = [.. faults[i].Evidence];
        evidence.Add(carved.Count == 0
            ? "carving the data area found no VHD or QCOW2 image: no VDI can be rebuilt from these sources"
            : $"carving the data area finds {carved.Count} VDI(s) by their VHD or QCOW2 structures: {string.Join(", ", carved.Select(v => v.Uuid))}");
        faults[i] = faults[i] with { Evidence = evidence };
    }

    /// <summary>F1: a PV found by its label inside a disk whose partition table is gone.</summary>
    private static void DetectLostTable(LvmInspection lvm, List<Fault> faults)
    {
        for (var i = 0; i < lvm.Pvs.Pvs.Count; i++)
        {
            var pv = lvm.Pvs.Pvs[i];
            if (pv.PvOffsetBytes <= 0 || lvm.Pvs.PvSources[i] is not SubRangeSource { Inner: var disk })
            {
                continue;
            }

            var (mbr, gpt, backupGpt) = PartitionEvidence.Read(disk);
            if (mbr && (gpt || backupGpt))
            {
                continue;
            }

            // XenServer installs local SRs on GPT disks; a PV at a partition offset with neither
            // GPT copy left is the "GPT destroyed" case.
            var kind = gpt || backupGpt ? FaultKind.PartitionTableDamaged : FaultKind.GptDestroyed;
            faults.Add(new Fault(FaultId.F1, kind, "Partition table damaged or overwritten: the SR is not found (SR_BACKEND_FAILURE_47)",
            [
                $"{disk.Name}: no partition table (MBR signature {(mbr ? "present" : "absent")}, GPT header {(gpt ? "present" : "absent")}, backup GPT header {(backupGpt ? "present" : "absent")})",
                $"the LVM label of PV {pv.PvUuid} is at byte {pv.LabelOffsetBytes}: the PV starts at byte {pv.PvOffsetBytes}, {pv.LengthBytes} bytes",
            ]));
        }
    }

    /// <summary>F3: a label or metadata area that is gone, the VG known only from a backup file or older copies.</summary>
    private static void DetectWipedMetadata(LvmInspection lvm, List<Fault> faults)
    {
        var wiped = lvm.Pvs.Pvs.Where(p => p.Label is null && p.PvOffsetBytes == 0 && p.MetadataAreas.All(a => a.Copies.Count == 0)).ToList();
        var damagedAreas = lvm.Pvs.Pvs.SelectMany(p => p.MetadataAreas.Where(a => a.Header is not { ChecksumMatches: true }).Select(a => (p, a))).ToList();
        if (wiped.Count == 0 && damagedAreas.Count == 0)
        {
            return;
        }

        var evidence = new List<string>();
        evidence.AddRange(wiped.Select(p => $"{p.Source}: no LVM label in sectors 0-3 and no metadata area: label and metadata were zeroed"));
        evidence.AddRange(damagedAreas.Where(x => !wiped.Contains(x.p)).Select(x => $"{x.p.Source}: metadata area header at byte {x.a.StartBytes} is unreadable"));
        var backup = lvm.BackupCopies.OrderByDescending(c => c.Seqno).FirstOrDefault();
        evidence.Add(backup is not null
            ? $"the VG {backup.VgName} (seqno {backup.Seqno}) comes from the backup file {backup.Source}"
            : lvm.Vg is null ? "no metadata copy and no backup file: only carving can find the VDIs (give --lvm-backup DIR if /etc/lvm/backup survives)" : "older copies in the ring are used");
        faults.Add(new Fault(FaultId.F3, FaultKind.MdaWiped, "LVM label or metadata area damaged: the SR is unreadable", evidence));
    }

    /// <summary>F2: VDIs whose LV is gone from the newest metadata but still mapped by an older copy.</summary>
    private static void DetectDeletedVdis(LvmInspection lvm, SrInventory sr, List<Fault> faults)
    {
        var deleted = sr.Vdis.Where(v => v.State is VdiState.DeletedRecoverable or VdiState.DeletedOverwritten).ToList();
        if (deleted.Count == 0)
        {
            return;
        }

        var minSeqno = lvm.Vg!.Versions.Min(v => v.Seqno);
        var pvCount = lvm.Vg.Newest?.Vg?.Pvs.Count ?? 1;
        foreach (var group in deleted.GroupBy(v => KindOfDeletion(v, minSeqno, pvCount)))
        {
            var evidence = group.Select(v =>
                $"{v.LvName} \"{v.NameLabel ?? "(no name)"}\" is not in the newest metadata (seqno {lvm.Vg.Newest?.Seqno}); seqno {v.Seqno} still maps it" +
                (v.OverwrittenBy.Count > 0 ? $"; its extents were later given to {string.Join(", ", v.OverwrittenBy)}: data may be overwritten" : "; no LV took its extents since")).ToList();
            if (group.Key == FaultKind.RingWrapped)
            {
                evidence.Add($"the metadata ring has wrapped: the oldest surviving copy is seqno {minSeqno}");
            }

            faults.Add(new Fault(FaultId.F2, group.Key, "VDI deleted or lost: its LV was removed from the current LVM metadata", evidence));
        }
    }

    private static FaultKind KindOfDeletion(SrVdi v, long minSeqno, int pvCount) =>
        v.IsASnapshot == true || v.SnapshotOf is not null ? FaultKind.SnapshotDeleted
        : pvCount > 1 ? FaultKind.MultiPvLostVdi
        : minSeqno > 1 ? FaultKind.RingWrapped
        : FaultKind.LostVdi;

    /// <summary>F4: VDIs that no metadata copy maps: the SR was re-created, or every copy is gone.</summary>
    private static void DetectMissingMetadata(LvmInspection lvm, SrInventory sr, IReadOnlyList<OrphanVhdProbe.Orphan> orphans, List<Fault> faults)
    {
        var stale = sr.Mgt?.Records.Where(r => r.IsStale && sr.Vdis.All(v => v.Uuid != r.Uuid || v.State == VdiState.Unaccounted)).ToList() ?? [];
        if (stale.Count == 0 && orphans.Count == 0)
        {
            return;
        }

        var evidence = new List<string>();
        evidence.AddRange(stale.Select(r => $"MGT keeps a record of VDI {r.Uuid} \"{r.NameLabel}\" past its length at byte {r.OffsetBytes}: an older MGT, no metadata copy has its LV"));
        evidence.AddRange(orphans.Select(o => $"extent {o.Pe} of PV {o.PvId} (byte {o.OffsetBytes}) starts a VHD (uuid {o.VhdUuid}, {o.VirtualSizeBytes} bytes) that no metadata copy maps"));
        var recreated = stale.Count > 0;
        faults.Add(new Fault(FaultId.F4, recreated ? FaultKind.SrRecreated : FaultKind.VdisWithoutMetadata,
            recreated ? "SR re-created over the old one: the old VDIs are only found by carving" : "VDIs that no metadata copy maps: only carving finds them",
            evidence));
    }

    /// <summary>F5: VHD or QCOW2 images whose structures are damaged.</summary>
    private static void DetectDamagedImages(SrInventory sr, List<Fault> faults)
    {
        var damaged = sr.Vdis.Where(v => v.State != VdiState.DeletedOverwritten && v.Image is { ErrorCount: > 0 }).ToList();
        var vhds = damaged.Where(v => v.Image!.Kind == LvKind.VhdVdi).ToList();
        if (vhds.Count > 0)
        {
            faults.Add(new Fault(FaultId.F5, FaultKind.VhdDamaged, "VHD structures damaged: vhd-util check fails, the SR scan fails (SR_BACKEND_FAILURE_46)",
                [.. vhds.Select(v => $"{v.LvName}: {string.Join("; ", v.Image!.Problems)}")]));
        }

        var qcow2s = damaged.Where(v => v.Image!.Kind == LvKind.Qcow2Vdi).ToList();
        if (qcow2s.Count > 0)
        {
            // sm reads every QCOW2 header on a scan (qcow2util.getInfo) and checks with qemu-img check.
            faults.Add(new Fault(FaultId.F5, FaultKind.Qcow2Damaged, "QCOW2 structures damaged: qemu-img check fails, the VDI cannot be read as it is",
                [.. qcow2s.Select(v => $"{v.LvName}: {string.Join("; ", v.Image!.Problems)}")]));
        }
    }

    /// <summary>True when the VG's name says it is a XenServer SR (VG_XenStorage-&lt;uuid&gt;), or when no VG name is known.</summary>
    public static bool IsXenSr(LvmInspection lvm) => lvm.Vg?.VgName is not { } name || LvName.SrUuidOf(name) is not null;

    /// <summary>A VG that is not an SR: its name, its LVs, and which of them export as they are.</summary>
    private static Fault? NotAnSr(LvmInspection lvm)
    {
        if (IsXenSr(lvm) || lvm.Vg?.Newest?.Vg is not { } vg)
        {
            return null;
        }

        var evidence = new List<string>
        {
            $"VG {vg.Name} does not have the name XenServer gives an SR ({LvName.VgPrefix}<sr uuid>): its LVs are plain LVM volumes, with no VDIs, no MGT and nothing for xe to attach",
            $"{vg.Lvs.Count} LV(s) in the newest metadata (seqno {vg.Seqno}); 'srrescue export SOURCE... --lv NAME -o FILE' writes one as stored",
        };
        evidence.AddRange(vg.Lvs.Where(l => l.IsVisible).Select(l => Lvm.Model.UnmappedLvAdvice.For(vg, l)).OfType<string>());
        return new Fault(FaultId.Vg, FaultKind.NotAnSr, $"VG {vg.Name} is a plain LVM volume group, not a XenServer SR", evidence);
    }

    /// <summary>F6: what MGT still knows of the names.</summary>
    private static Fault Names(SrInventory sr)
    {
        if (sr.Mgt is null)
        {
            return new Fault(FaultId.F6, FaultKind.Names, "VDI names", ["no MGT volume was found: the VDIs are known by uuid only"]);
        }

        var named = sr.Vdis.Count(v => v.NameLabel is not null);
        var deleted = sr.Vdis.Count(v => v.NameLabel is not null && v.MgtRecord is "deleted" or "stale");
        return new Fault(FaultId.F6, FaultKind.Names, "VDI names from the SR's MGT volume",
        [
            $"MGT names {named} of {sr.Vdis.Count} VDIs, {deleted} of them from deleted or stale records; SR name \"{sr.Mgt.SrInfo.NameLabel}\"",
        ]);
    }
}
