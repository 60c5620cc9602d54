using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// The doctor: runs every layer over the sources, says which faults of the playbook apply with
/// their evidence, and builds the ordered plan. Sources that are VHD files rather than LVM disks
/// get the VHD check and repair plan (fault F5).
/// </summary>
public static class Doctor
{
    public static Diagnosis Diagnose(IReadOnlyList<string> sources, string? lvmBackupFolder, string outputDir, FindingLog log, IProgress<WorkProgress>? progress = null, bool searchInside = true)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(log);
        if (ContainerSources.Diagnose(sources, outputDir, log) is { } containers)
        {
            return containers;
        }

        if (sources.Count > 0 && sources.All(LooksLikeVhdFile))
        {
            return DiagnoseVhdFiles(sources, outputDir, log);
        }

        using var lvm = LvmInspection.Open(sources, lvmBackupFolder, progress, searchInside);
        foreach (var f in lvm.Findings)
        {
            log.Add(f);
        }

        var sr = SrInventory.Build(lvm, log);
        var orphans = OrphanVhdProbe.Find(lvm);
        var faults = FaultDetector.Detect(lvm, sr, orphans);

        // Carving finds what no metadata copy knows: VDIs of an old SR (F4), or every VDI when no
        // metadata copy and no backup is left (F3 without a VG). Its finds are listed and planned.
        var noVg = lvm.Vg is null && lvm.BackupCopies.Count == 0;
        var vdis = faults.Any(f => f.Id == "F4") || noVg ? CarvedInventory.Merge(lvm, sr, log) : sr.Vdis;
        if (noVg && SourceFaults.NothingOfAnSr(lvm, sources, vdis, searchInside) is { } nothing)
        {
            return new Diagnosis(sources, null, null, null, [nothing], [], [], []);
        }

        if (noVg)
        {
            FaultDetector.AddCarveResult(faults, vdis);
        }

        var (plan, warnings) = new PlanBuilder(sources, lvmBackupFolder, outputDir, lvm, sr).Build(faults, vdis.Where(v => v.State == VdiState.Carved).ToList());
        return new Diagnosis(sources, sr.SrUuid, lvm.Vg?.VgName, sr.Mgt?.SrInfo.NameLabel, faults, vdis, plan, warnings);
    }

    /// <summary>A file whose first or last sector is a VHD footer and which carries no LVM label.</summary>
    private static bool LooksLikeVhdFile(string path)
    {
        using var f = FileSource.Open(path);
        if (f.IsBlockDevice || f.Length < VhdFooter.Size)
        {
            return false;
        }

        var head = f.ReadBytes(0, 2048);
        for (var s = 0; s + 512 <= head.Length; s += 512)
        {
            if (Lvm.LabelHeader.HasMagic(head.AsSpan(s)))
            {
                return false;
            }
        }

        return VhdFooter.HasCookie(head) || VhdFooter.HasCookie(f.ReadBytes(f.Length - VhdFooter.Size, VhdFooter.Size));
    }

    private static Diagnosis DiagnoseVhdFiles(IReadOnlyList<string> sources, string outputDir, FindingLog log)
    {
        var faults = new List<Fault>();
        var plan = new List<PlanStep>();
        var evidence = new List<string>();
        foreach (var path in sources)
        {
            using var source = FileSource.Open(path);
            using var resolver = new FileParentResolver(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var fileLog = new FindingLog();
            var report = VhdChecker.Check(source, fileLog, new VhdCheckOptions { ParentResolver = resolver });
            foreach (var f in fileLog)
            {
                log.Add(f);
            }

            if (report.IsClean)
            {
                continue;
            }

            evidence.AddRange(report.Findings.Where(f => f.Severity != Severity.Info).Select(f => $"{Path.GetFileName(path)}: {f.Message} at byte {f.Offset} [{f.Code}]"));
            var repaired = Path.Combine(outputDir, Path.GetFileNameWithoutExtension(path) + ".repaired.vhd");
            plan.Add(new PlanStep(StepTool.SrRescue, ["srrescue", "vhd", "repair", path, "-o", repaired],
                "a repaired copy: footers, checksums, header fields and orphaned blocks put back where the structures say; the report lists every block"));
            var raw = Path.Combine(outputDir, Path.GetFileNameWithoutExtension(path) + ".raw");
            var parentMissing = report.Findings.Any(f => f.Code == "vhd.chain.parent-missing");
            List<string> convert = ["srrescue", "vhd", "convert", parentMissing ? path : repaired, "-o", raw, "--format", "raw"];
            if (parentMissing)
            {
                convert.Add("--allow-missing-parent");
            }

            plan.Add(new PlanStep(StepTool.SrRescue, convert, parentMissing
                ? "the parent is missing: put it beside the child (any name; it is matched by uuid) and convert again; until then this exports what the child holds"
                : "the whole virtual disk as a sparse raw file, for checking or for import"));
            plan.Add(new PlanStep(StepTool.Xe, ["xe", "vdi-create", "sr-uuid=<TARGET-SR-UUID>", $"name-label={Path.GetFileNameWithoutExtension(path)}", $"virtual-size={report.VirtualSizeBytes}", "type=user"], "a new VDI for the repaired disk"));
            plan.Add(new PlanStep(StepTool.Xe, ["xe", "vdi-import", "uuid=<NEW-VDI-UUID>", $"filename={repaired}", "format=vhd"], "copies the repaired VHD into it"));
        }

        if (evidence.Count > 0)
        {
            faults.Add(new Fault("F5", "vhd-damaged", "VHD structures damaged: vhd-util check fails", evidence));
        }

        return new Diagnosis(sources, null, null, null, faults, [], plan, []);
    }
}
