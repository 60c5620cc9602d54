using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Recovery;

/// <summary>
/// The plan for sources that are files rather than disks. A VHD file (F5) ends with a file
/// XenServer can import as it is: its own damage repaired into a copy, a differencing VHD
/// coalesced with its parents into one self-contained dynamic VHD (imported alone it would have
/// no parent); with a parent missing nothing is planned for import, only what the child holds
/// alone. A container image is only read: srrescue (QCOW2) or qemu-img (the others) converts it to raw,
/// and the doctor runs again.
/// </summary>
internal sealed partial class PlanBuilder
{
    public (IReadOnlyList<PlanStep> Steps, IReadOnlyList<string> Warnings) BuildForVhdFiles(IReadOnlyList<VhdFileCheck> files)
    {
        foreach (var file in files.Where(f => !f.Report.IsClean))
        {
            PlanVhdFile(file);
        }

        return (_steps, _warnings);
    }

    public (IReadOnlyList<PlanStep> Steps, IReadOnlyList<string> Warnings) BuildForContainers(IReadOnlyList<(string Path, ContainerFormat Format)> found)
    {
        var converted = sources.ToList();
        foreach (var (path, format) in found)
        {
            var raw = Path.Combine(outputDir, Path.GetFileNameWithoutExtension(path) + ".raw");
            converted[converted.IndexOf(path)] = raw;
            _steps.Add(format.QemuFormat == "qcow2"
                ? new RescueStep(new RescueCommand(RescueAction.Qcow2Convert, [path]) { Output = raw, Format = DiskFormat.Raw },
                    "the QCOW2 image (with its backing files beside it) as the raw disk it holds (a new file; the image is only read)")
                : new ToolStep(StepTool.QemuImg, ["qemu-img", "convert", "-f", format.QemuFormat, "-O", "raw", path, raw],
                    $"the {format.Name} image as the raw disk it holds (a new file; the image is only read)"));
        }

        _steps.Add(new RescueStep(new RescueCommand(RescueAction.Doctor, converted), "the diagnosis of the disk inside, now readable as a raw disk"));
        _warnings.Add("do not run partition or LVM repair tools on the container file itself: its first bytes are the container's header, not the disk's");
        return (_steps, _warnings);
    }

    private void PlanVhdFile(VhdFileCheck file)
    {
        var (path, folder, report) = file;
        var stem = Path.GetFileNameWithoutExtension(path);
        var ownDamage = report.Findings.Any(f => f.Severity != Diagnostics.Severity.Info && !VhdCodes.IsChain(f.Code));
        var parentMissing = report.Findings.Any(f => f.Code == VhdCodes.ChainParentMissing);
        var differencing = report.DiskType == VhdDiskType.Differencing;

        // 1. The file's own structures, repaired into a copy (the source is never changed).
        var leaf = path;
        if (ownDamage)
        {
            leaf = Path.Combine(outputDir, stem + ".repaired.vhd");
            _steps.Add(new RescueStep(new RescueCommand(RescueAction.VhdRepair, [path]) { Output = leaf },
                "a repaired copy: footers, checksums, header fields and orphaned blocks put back where the structures say; the report lists every block"));
        }

        // A repaired copy lies in the output folder; its parents are still beside the original.
        var parents = leaf == path || !differencing ? null : folder;
        if (differencing && parentMissing)
        {
            var raw = Path.Combine(outputDir, stem + ".child-only.raw");
            _steps.Add(new RescueStep(new RescueCommand(RescueAction.VhdConvert, [leaf]) { Output = raw, Format = DiskFormat.Raw, AllowMissingParent = true, ParentFolder = parents },
                "what the child holds alone (the ranges that need the parent are zeros and listed in the report): for looking at, not a whole disk"));
            _warnings.Add($"The parent of {Path.GetFileName(path)} ({report.ParentName ?? "no name"}, VHD uuid {report.ParentUuid}) is missing: put it beside {Path.GetFileName(path)} " +
                "(any name; it is matched by uuid) and run the doctor again. Until then no complete disk can be imported: a differencing VHD without its parent is not one.");
            return;
        }

        var import = leaf;
        if (differencing)
        {
            import = Path.Combine(outputDir, stem + ".coalesced.vhd");
            _steps.Add(new RescueStep(new RescueCommand(RescueAction.VhdConvert, [leaf]) { Output = import, Format = DiskFormat.Vhd, ParentFolder = parents },
                "the chain coalesced into one self-contained dynamic VHD: a differencing VHD imported alone would have no parent"));
        }
        else
        {
            _steps.Add(new RescueStep(new RescueCommand(RescueAction.VhdConvert, [leaf]) { Output = Path.Combine(outputDir, stem + ".raw"), Format = DiskFormat.Raw },
                "the whole virtual disk as a sparse raw file, for checking (fsck, mount -o ro) before the import"));
        }

        if (import == path)
        {
            // Only the chain had something to say (a parent read leniently): the file itself is fine.
            return;
        }

        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "vdi-create", "sr-uuid=<TARGET-SR-UUID>", $"name-label={stem}", $"virtual-size={report.VirtualSizeBytes}", "type=user"], "a new VDI for the recovered disk"));
        _steps.Add(new ToolStep(StepTool.Xe, ["xe", "vdi-import", "uuid=<NEW-VDI-UUID>", $"filename={import}", "format=vhd"], "copies the recovered VHD into it"));
    }
}
