using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Recovery;

/// <summary>
/// Sources that are container images (qcow2, VMDK, VHDX, VDI; <see cref="ContainerFormat"/>), not
/// raw disks. Read as raw they look like a disk whose partition table and LVM label are destroyed,
/// and a plan built on that would write a partition table over the container's header. The
/// doctor says what each file is and plans only the read-only way in: qemu-img converts it to a
/// raw file, and the doctor runs again on that. No step writes to the source.
/// </summary>
internal static class ContainerSources
{
    /// <summary>A diagnosis when any source is a container (VHD files have their own path), else null.</summary>
    public static Diagnosis? Diagnose(IReadOnlyList<string> sources, string outputDir, FindingLog log)
    {
        var found = new List<(string Path, ContainerFormat Format)>();
        foreach (var path in sources)
        {
            using var source = FileSource.Open(path);
            if (ContainerFormat.Detect(source) is { } format && format.QemuFormat != "vpc")
            {
                found.Add((path, format));
            }
        }

        if (found.Count == 0)
        {
            return null;
        }

        var plan = new List<PlanStep>();
        var converted = sources.ToList();
        foreach (var (path, format) in found)
        {
            log.Add(Severity.Error, SourceCodes.Container, "source", 0, format.Describe(path), source: path);
            var raw = Path.Combine(outputDir, Path.GetFileNameWithoutExtension(path) + ".raw");
            converted[converted.IndexOf(path)] = raw;
            plan.Add(new PlanStep(StepTool.QemuImg, ["qemu-img", "convert", "-f", format.QemuFormat, "-O", "raw", path, raw],
                $"the {format.Name} image as the raw disk it holds (a new file; the image is only read)"));
        }

        plan.Add(new PlanStep(StepTool.SrRescue, ["srrescue", "doctor", .. converted],
            "the diagnosis of the disk inside, now readable as a raw disk"));
        var fault = new Fault(FaultId.Source, FaultKind.ContainerImage, "A source is a disk-image container, not a raw disk",
            found.Select(f => $"{f.Path}: {f.Format.Name} header at byte 0 (read as raw, it would look like a destroyed partition table)").ToList());
        return new Diagnosis(sources, null, null, null, [fault], [], plan,
            ["do not run partition or LVM repair tools on the container file itself: its first bytes are the container's header, not the disk's"]);
    }
}
