using System.Globalization;
using SrRescue.Lvm;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// Turns the faults into an ordered plan: first copies of what is at risk (exports to new files),
/// then the repair of the SR in place (metadata restore with lvm2), then the XenServer commands:
/// re-attach when the SR can be repaired in place, import of the exported files otherwise.
/// </summary>
internal sealed partial class PlanBuilder(IReadOnlyList<string> sources, string? backupFolder, string outputDir)
{
    private readonly List<PlanStep> _steps = [];
    private readonly List<string> _warnings = [];
    private readonly List<(SrVdi Vdi, string File)> _exports = [];
    private LvmInspection _lvm = null!;
    private SrInventory _sr = null!;

    /// <param name="carved">The VDIs carving finds (F4, or F3 with no metadata copy left): carved into new files, then imported.</param>
    public (IReadOnlyList<PlanStep> Steps, IReadOnlyList<string> Warnings) Build(LvmInspection lvm, SrInventory sr, IReadOnlyList<Fault> faults, IReadOnlyList<SrVdi> carved)
    {
        _lvm = lvm;
        _sr = sr;
        var faultIds = faults.Select(f => f.Id).ToHashSet();
        PartitionTableFiles(faultIds);
        // The SR can be repaired where it is unless its LVM metadata is gone (F3) or some VDIs are
        // known to no metadata copy (F4); a lost partition table (F1) is put back first. Every
        // VDI is copied out first when something other than LVM metadata is written (F1), or when
        // the VDIs go to another SR (import).
        var inPlace = !faultIds.Contains(FaultId.F3) && !faultIds.Contains(FaultId.F4);
        var copyAll = !inPlace || faultIds.Contains(FaultId.F1);
        var deleted = _sr.Vdis.Where(v => v.State == VdiState.DeletedRecoverable).ToList();

        // 1. Copies first: nothing later in the plan writes before these exist.
        var toExport = !copyAll ? deleted : _sr.Vdis.Where(v => v.State is VdiState.Present or VdiState.DeletedRecoverable && !v.Hidden).ToList();
        toExport.AddRange(_sr.Vdis.Where(v => v.Image is { ErrorCount: > 0 } && v.State != VdiState.DeletedOverwritten && !toExport.Contains(v)));
        foreach (var vdi in toExport)
        {
            Export(vdi);
        }

        foreach (var vdi in _sr.Vdis.Where(v => v.State == VdiState.DeletedOverwritten))
        {
            _warnings.Add($"VDI {vdi.Uuid} \"{vdi.NameLabel}\" was deleted and its extents were reused by {string.Join(", ", vdi.OverwrittenBy)}: " +
                $"'srrescue export {string.Join(' ', sources)} --vdi {vdi.Uuid} --format raw -o FILE' gets what is left, with the reused ranges named");
        }

        if (faultIds.Contains(FaultId.F4) || carved.Count > 0)
        {
            Carve();
        }

        // 2. Repair in place.
        PartitionTableInPlace(faultIds);
        if (inPlace && deleted.Count > 0)
        {
            RestoreDeleted(deleted);
        }

        if (faultIds.Contains(FaultId.F3) && _lvm.BackupCopies.Count > 0)
        {
            RestoreFromBackup();
        }

        // 3. XenServer, when the VG is an SR at all.
        if (!FaultDetector.IsXenSr(lvm))
        {
            return (_steps, _warnings);
        }

        if (inPlace)
        {
            Reattach();
        }
        else
        {
            Import(carved);
        }

        AddStandingWarnings();
        return (_steps, _warnings);
    }

    /// <summary>
    /// F1: the partition table to put back, as a new file (it also prints the dd and sgdisk
    /// commands that apply it). Nothing is written to the disk yet.
    /// </summary>
    private void PartitionTableFiles(HashSet<FaultId> faultIds)
    {
        if (!faultIds.Contains(FaultId.F1))
        {
            return;
        }

        for (var i = 0; i < sources.Count; i++)
        {
            _steps.Add(new RescueStep(new RescueCommand(RescueAction.PartitionTableFile, [sources[i]]) { Output = TableFile(i, "bin") },
                "finds the PV by its label and writes the partition table to put back (a new file; it also prints the dd and sgdisk commands that apply it)"));
        }
    }

    /// <summary>
    /// F1, after the copies exist: the table goes back onto the disk, so XenServer finds the PV
    /// again. Only the table sectors are written (outside every PV), after their old bytes are
    /// saved in an undo journal (`srrescue undo JOURNAL`).
    /// </summary>
    private void PartitionTableInPlace(HashSet<FaultId> faultIds)
    {
        if (!faultIds.Contains(FaultId.F1))
        {
            return;
        }

        for (var i = 0; i < sources.Count; i++)
        {
            var journal = TableFile(i, "undo");
            _steps.Add(new RescueStep(new RescueCommand(RescueAction.PartitionTableInPlace, [sources[i]]) { Journal = journal },
                $"writes that table to the disk (only the table sectors, outside the PV), after saving their old bytes; 'srrescue undo {journal}' reverts it"));
        }
    }

    private string TableFile(int source, string extension) =>
        Path.Combine(outputDir, $"table{(sources.Count == 1 ? "" : $"-{source + 1}")}.{extension}");

    private void Export(SrVdi vdi)
    {
        if (vdi.LvName is null)
        {
            return;
        }

        // A QCOW2 VDI goes out as a VHD too (xe vdi-import format=vhd copies only what it holds),
        // unless it is larger than a VHD can be (QCOW2 VDIs go to 16 TiB).
        var fitsVhd = vdi.VirtualSizeBytes is not { } size || size <= DynamicVhdWriter.MaxVirtualSizeBytes;
        var format = vdi.Kind == LvKind.VhdVdi || (vdi.Kind == LvKind.Qcow2Vdi && fitsVhd) ? DiskFormat.Vhd : DiskFormat.Raw;
        var file = Path.Combine(outputDir, $"{vdi.Uuid}.{(format == DiskFormat.Vhd ? "vhd" : "raw")}");
        var export = new RescueCommand(RescueAction.Export, sources) { LvmBackup = backupFolder, VdiUuid = vdi.Uuid, Format = format, Output = file };
        _steps.Add(new RescueStep(export,
            $"a self-contained copy of VDI \"{vdi.NameLabel ?? vdi.Uuid}\"{(vdi.State == VdiState.Present ? "" : " (deleted)")}, chain coalesced, before anything is written to the disk"));
        _exports.Add((vdi, file));
    }

    private string CarvedFolder => Path.Combine(outputDir, "carved");

    /// <summary>F4: VDIs no metadata copy knows are carved out of the data area into new files, before anything writes to the disk.</summary>
    private void Carve()
    {
        var carve = new RescueCommand(RescueAction.Carve, sources) { LvmBackup = backupFolder, Output = CarvedFolder };
        _steps.Add(new RescueStep(carve,
            "some VDIs are known to no metadata copy: carving rebuilds each from its VHD structures and writes it, chain coalesced, with a report of every extent's evidence and confidence; do not write to this disk before it has run"));
    }

    /// <summary>One restore-metadata + vgcfgrestore round per seqno the deleted LVs were last defined in.</summary>
    private void RestoreDeleted(List<SrVdi> deleted)
    {
        var vg = _lvm.Vg!.VgName;
        foreach (var group in deleted.Where(v => v.Seqno is not null).GroupBy(v => v.Seqno!.Value).OrderBy(g => g.Key))
        {
            var file = Path.Combine(outputDir, $"restore-seqno-{group.Key}.vg");
            var restore = new RescueCommand(RescueAction.RestoreMetadata, sources) { Seqno = group.Key, LvNames = [.. group.Select(v => v.LvName!)], Output = file };
            _steps.Add(new RescueStep(restore, $"a vgcfgrestore file: the newest metadata plus {string.Join(", ", group.Select(v => v.LvName))} from seqno {group.Key}, whose extents no LV uses now"));
            _steps.Add(new ToolStep(StepTool.Lvm, ["vgcfgrestore", "--test", "-f", file, vg], "dry run: lvm2 checks the file against the disk"));
            _steps.Add(new ToolStep(StepTool.Lvm, ["vgcfgrestore", "-f", file, vg], "puts the LVs back (writes the new metadata to the PV's metadata area)"));
        }

        foreach (var v in deleted.Where(v => v.Hidden))
        {
            _warnings.Add($"{v.LvName} is marked hidden {HiddenFlagAndHowToClear(v, vg)}");
        }
    }

    /// <summary>
    /// Where a VDI's hidden flag is and the command that clears it: the VHD footer's byte (vhd-util),
    /// the first data byte of the QCOW2 header's 'vate' extension (sm's QCowUtil.setHidden writes that
    /// byte, qcow2.md 7; there is no tool for it, so dd writes it), or the LV tag of a raw VDI.
    /// </summary>
    private static string HiddenFlagAndHowToClear(SrVdi v, string vg)
    {
        const string Why = "; once restored and without children, sr-scan ignores it and the garbage collector deletes it. Clear the flag first: ";
        var device = $"/dev/{vg}/{v.LvName}";
        return v.Kind switch
        {
            LvKind.Qcow2Vdi when v.Image?.Qcow2?.HiddenFlagOffset is { } at =>
                $"in its QCOW2 header (extension 'vate', byte {at}){Why}printf '\\0' | dd of={device} bs=1 seek={at} count=1 conv=notrunc",
            LvKind.RawVdi => $"by its LV tag{Why}lvchange --deltag hidden {vg}/{v.LvName}",
            _ => $"in its VHD footer{Why}vhd-util set -n {device} -f hidden -v 0",
        };
    }

    /// <summary>F3 with a backup file: re-create the PV label with its old uuid and restore the VG (lvm2.md 4).</summary>
    private void RestoreFromBackup()
    {
        var backup = _lvm.BackupCopies.OrderByDescending(c => c.Seqno).First();
        var vg = _lvm.Vg?.Newest?.Vg;
        if (vg is null)
        {
            return;
        }

        for (var i = 0; i < _lvm.Pvs.Pvs.Count; i++)
        {
            var scan = _lvm.Pvs.Pvs[i];
            var pv = vg.Pvs.FirstOrDefault(p => _lvm.Pvs.FindPv(p.Id) == _lvm.Pvs.PvSources[i]);
            if (scan.Label is null && pv is not null)
            {
                _steps.Add(new ToolStep(StepTool.Lvm, ["pvcreate", "--uuid", pv.Id, "--restorefile", backup.Source, scan.Source],
                    "writes a new PV label and metadata area with the PV's old uuid; the data extents are not touched"));
            }
        }

        _steps.Add(new ToolStep(StepTool.Lvm, ["vgcfgrestore", "--test", "-f", backup.Source, vg.Name], "dry run"));
        _steps.Add(new ToolStep(StepTool.Lvm, ["vgcfgrestore", "-f", backup.Source, vg.Name], $"restores the VG as the backup describes it (seqno {backup.Seqno})"));
    }

    private void Reattach()
    {
        var srUuid = _sr.SrUuid ?? "<SR-UUID>";
        var name = _sr.Mgt?.SrInfo.NameLabel ?? "recovered SR";
        var device = string.Join(',', sources.Select((source, i) => PvDevice(source, i)));
        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "sr-introduce", $"uuid={srUuid}", "type=lvm", $"name-label={name}", "content-type=user", "shared=false"],
            "makes the SR known to xapi again with its own uuid (type lvmoiscsi or lvmohba for iSCSI or HBA LUNs, shared=true in a pool)"));
        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "sr-param-set", $"uuid={srUuid}", "other-config:gc=false"],
            "stops the garbage collector while you check the VDIs: it deletes hidden leaves and coalesces chains"));
        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "pbd-create", "host-uuid=<HOST-UUID>", $"sr-uuid={srUuid}", $"device-config:device={device}"],
            "connects the SR to the host that has the disk (lvmohba: device-config:SCSIid=<id>; lvmoiscsi: target, targetIQN, SCSIid)"));
        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "pbd-plug", "uuid=<PBD-UUID from pbd-create>"], "attaches the SR (pool master first); this runs a scan"));
        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "sr-scan", $"uuid={srUuid}"], "introduces the VDIs; names come back from MGT"));
        foreach (var v in _sr.Vdis.Where(v => v.State == VdiState.DeletedRecoverable && v.MgtRecord != "live" && v.NameLabel is not null))
        {
            // MGT marks a deleted VDI's record deleted, so the scan brings the restored LV back nameless.
            _steps.Add(new ToolStep(StepTool.Xe, ["xe", "vdi-param-set", $"uuid={v.Uuid}", $"name-label={v.NameLabel}", $"name-description={v.NameDescription ?? ""}"],
                $"gives the restored VDI its old name back (its MGT record is marked {v.MgtRecord})"));
        }

        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "vdi-list", $"sr-uuid={srUuid}", "params=uuid,name-label,virtual-size,managed"], "check every VDI is there before re-enabling the garbage collector"));
        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "sr-param-remove", $"uuid={srUuid}", "param-name=other-config", "param-key=gc"], "re-enables the garbage collector, when all is well"));
    }

    /// <summary>
    /// The device XenServer must be given: the source itself, or, for a PV inside a partition
    /// (F1), that partition once the table is back (the proposed table numbers it 3).
    /// </summary>
    private string PvDevice(string source, int index)
    {
        var inside = index < _lvm.Pvs.Pvs.Count && _lvm.Pvs.Pvs.Any(p => p.Source == source && p.PvOffsetBytes > 0);
        if (!inside)
        {
            return source;
        }

        return source.StartsWith("/dev/", StringComparison.Ordinal)
            ? source + (char.IsAsciiDigit(source[^1]) ? "p3" : "3")
            : $"<partition 3 of {source}>";
    }

    private void Import(IReadOnlyList<SrVdi> carved)
    {
        // Carved VDIs come out of the carve step coalesced, one file per VDI named by its uuid;
        // a hidden one is a parent that its children's files already hold.
        var carvedFiles = carved.Where(v => !v.Hidden).Select(v => (v, Path.Combine(CarvedFolder, $"{v.Uuid}.vhd")));
        foreach (var (vdi, file) in _exports.Concat(carvedFiles))
        {
            var size = (vdi.VirtualSizeBytes ?? vdi.LvSizeBytes ?? 0).ToString(CultureInfo.InvariantCulture);
            var name = vdi.NameLabel ?? $"recovered {vdi.Uuid}";
            _steps.Add(new ToolStep(StepTool.Xe, ["xe", "vdi-create", "sr-uuid=<TARGET-SR-UUID>", $"name-label={name}", $"virtual-size={size}", "type=user"],
                $"a new, empty VDI for \"{name}\" on a healthy SR (prints its uuid)"));
            _steps.Add(new ToolStep(StepTool.Xe, ["xe", "vdi-import", "uuid=<NEW-VDI-UUID>", $"filename={file}", $"format={(file.EndsWith(".vhd", StringComparison.Ordinal) ? "vhd" : "raw")}"],
                "copies the recovered disk into it"));
        }
    }

    private void AddStandingWarnings()
    {
        _warnings.Add("Do not run 'xe sr-scan' or plug the SR before the plan's repair steps: a scan forgets every VDI whose LV it cannot see and marks its MGT record deleted.");
        _warnings.Add("Keep other-config:gc=false on the SR while recovering; the garbage collector deletes hidden leaves.");
        _warnings.Add("Do not use 'Reclaim freed space' on this SR: it discards the free extents where deleted VDIs still are.");
        var journals = _lvm.Vg?.Newest?.Vg?.Lvs.Select(l => LvName.Parse(l.Name)).Where(n => n.Kind is LvKind.Journal or LvKind.VhdJournal).ToList() ?? [];
        foreach (var j in journals)
        {
            _warnings.Add($"Journal LV {j.Name} ({j.Describe()}) will be replayed when the SR is attached: an interrupted operation on VDI {j.VdiUuid} is rolled back or completed.");
        }
    }
}
