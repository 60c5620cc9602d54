using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>
/// The doctor for sources that are VHD files (fault F5): each file is checked with its chain, and
/// the plan ends with a file XenServer can import as it is. The file's own damage is repaired into
/// a copy; a differencing VHD is coalesced with its parents into one self-contained dynamic VHD
/// (a differencing VHD imported alone has no parent); when a parent is missing nothing is planned
/// for import, only what the child holds alone, and the doctor says where the parent must go.
/// </summary>
internal static class VhdFileDoctor
{
    public static Diagnosis Diagnose(IReadOnlyList<string> sources, string outputDir, FindingLog log)
    {
        var evidence = new List<string>();
        var plan = new List<PlanStep>();
        var warnings = new List<string>();
        foreach (var path in sources)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            using var source = FileSource.Open(path);
            using var resolver = LvhdParentFiles.Resolver(folder);
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

            var name = Path.GetFileName(path);
            evidence.AddRange(report.Findings.Where(f => f.Severity != Severity.Info)
                .Select(f => $"{name}: {f.Message}{(f.Offset >= 0 ? $" at byte {f.Offset}" : "")} [{f.Code}]"));
            PlanFile(path, folder, report, outputDir, plan, warnings);
        }

        List<Fault> faults = evidence.Count > 0 ? [new Fault(FaultId.F5, FaultKind.VhdDamaged, "VHD structures damaged: vhd-util check fails", evidence)] : [];
        return new Diagnosis(sources, null, null, null, faults, [], plan, warnings);
    }

    private static void PlanFile(string path, string folder, VhdCheckReport report, string outputDir, List<PlanStep> plan, List<string> warnings)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var chainCodes = report.Findings.Where(f => VhdCodes.IsChain(f.Code)).ToList();
        var ownDamage = report.Findings.Any(f => f.Severity != Severity.Info && !VhdCodes.IsChain(f.Code));
        var parentMissing = chainCodes.Any(f => f.Code == VhdCodes.ChainParentMissing);
        var differencing = report.DiskType == VhdDiskType.Differencing;

        // 1. The file's own structures, repaired into a copy (the source is never changed).
        var leaf = path;
        if (ownDamage)
        {
            leaf = Path.Combine(outputDir, stem + ".repaired.vhd");
            plan.Add(new PlanStep(StepTool.SrRescue, ["srrescue", "vhd", "repair", path, "-o", leaf],
                "a repaired copy: footers, checksums, header fields and orphaned blocks put back where the structures say; the report lists every block"));
        }

        // A repaired copy lies in the output folder; its parents are still beside the original.
        List<string> parents = leaf == path || !differencing ? [] : ["--parent-dir", folder];
        if (differencing && parentMissing)
        {
            var raw = Path.Combine(outputDir, stem + ".child-only.raw");
            plan.Add(new PlanStep(StepTool.SrRescue, ["srrescue", "vhd", "convert", leaf, "-o", raw, "--format", "raw", "--allow-missing-parent", .. parents],
                "what the child holds alone (the ranges that need the parent are zeros and listed in the report): for looking at, not a whole disk"));
            warnings.Add($"The parent of {Path.GetFileName(path)} ({report.ParentName ?? "no name"}, VHD uuid {report.ParentUuid}) is missing: put it beside {Path.GetFileName(path)} " +
                "(any name; it is matched by uuid) and run the doctor again. Until then no complete disk can be imported: a differencing VHD without its parent is not one.");
            return;
        }

        var import = leaf;
        if (differencing)
        {
            import = Path.Combine(outputDir, stem + ".coalesced.vhd");
            plan.Add(new PlanStep(StepTool.SrRescue, ["srrescue", "vhd", "convert", leaf, "-o", import, "--format", "vhd", .. parents],
                "the chain coalesced into one self-contained dynamic VHD: a differencing VHD imported alone would have no parent"));
        }
        else
        {
            plan.Add(new PlanStep(StepTool.SrRescue, ["srrescue", "vhd", "convert", leaf, "-o", Path.Combine(outputDir, stem + ".raw"), "--format", "raw"],
                "the whole virtual disk as a sparse raw file, for checking (fsck, mount -o ro) before the import"));
        }

        if (import == path)
        {
            // Only the chain had something to say (a parent read leniently): the file itself is fine.
            return;
        }

        plan.Add(new PlanStep(StepTool.Xe, ["xe", "vdi-create", "sr-uuid=<TARGET-SR-UUID>", $"name-label={stem}", $"virtual-size={report.VirtualSizeBytes}", "type=user"], "a new VDI for the recovered disk"));
        plan.Add(new PlanStep(StepTool.Xe, ["xe", "vdi-import", "uuid=<NEW-VDI-UUID>", $"filename={import}", "format=vhd"], "copies the recovered VHD into it"));
    }
}
