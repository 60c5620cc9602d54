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
            return VhdFileDoctor.Diagnose(sources, outputDir, log);
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
}
