using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// The doctor: runs every layer over the sources, says which faults of the playbook apply with
/// their evidence, and builds the ordered plan. Sources that are VHD files rather than LVM disks
/// get the VHD check and repair plan (fault F5), container images the way to a raw disk; every
/// kind of source goes through the one fault detector and plan builder.
/// </summary>
public static class Doctor
{
    public static Diagnosis Diagnose(IReadOnlyList<string> sources, string? lvmBackupFolder, string outputDir, FindingLog log, IProgress<WorkProgress>? progress = null, bool searchInside = true)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(log);
        var plans = new PlanBuilder(sources, lvmBackupFolder, outputDir);
        if (ContainerSources.Find(sources) is { Count: > 0 } containers)
        {
            var (containerPlan, containerWarnings) = plans.BuildForContainers(containers);
            return new Diagnosis(sources, null, null, null, FaultDetector.DetectContainers(containers, log), [], containerPlan, containerWarnings);
        }

        if (sources.Count > 0 && sources.All(VhdFileCheck.LooksLikeVhdFile))
        {
            var files = VhdFileCheck.CheckAll(sources, log);
            var (filePlan, fileWarnings) = plans.BuildForVhdFiles(files);
            return new Diagnosis(sources, null, null, null, FaultDetector.DetectVhdFiles(files), [], filePlan, fileWarnings);
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
        var vdis = faults.Any(f => f.Id == FaultId.F4) || noVg ? CarvedInventory.Merge(lvm, sr, log) : sr.Vdis;
        if (noVg && SourceFaults.NothingOfAnSr(lvm, sources, vdis, searchInside) is { } nothing)
        {
            return new Diagnosis(sources, null, null, null, [nothing], [], [], []);
        }

        if (noVg)
        {
            FaultDetector.AddCarveResult(faults, vdis);
        }

        var (plan, warnings) = plans.Build(lvm, sr, faults, vdis.Where(v => v.State == VdiState.Carved).ToList());
        return new Diagnosis(sources, sr.SrUuid, lvm.Vg?.VgName, sr.Mgt?.SrInfo.NameLabel, faults, vdis, plan, warnings);
    }
}
