using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Recovery;

/// <summary>The faults of sources that are files rather than disks: VHD files (F5) and container images.</summary>
internal static partial class FaultDetector
{
    /// <summary>F5 on VHD files: every file whose check finds more than information, with its findings as evidence.</summary>
    public static List<Fault> DetectVhdFiles(IReadOnlyList<VhdFileCheck> files)
    {
        var evidence = files.Where(f => !f.Report.IsClean).SelectMany(f => f.Report.Findings.Where(x => x.Severity != Severity.Info)
            .Select(x => $"{Path.GetFileName(f.Path)}: {x.Message}{(x.Offset >= 0 ? $" at byte {x.Offset}" : "")} [{x.Code}]")).ToList();
        return evidence.Count > 0 ? [new Fault(FaultId.F5, FaultKind.VhdDamaged, "VHD structures damaged: vhd-util check fails", evidence)] : [];
    }

    /// <summary>Sources that are container images: read as raw they would look like a disk whose partition table is destroyed.</summary>
    public static List<Fault> DetectContainers(IReadOnlyList<(string Path, ContainerFormat Format)> found, FindingLog log)
    {
        foreach (var (path, format) in found)
        {
            log.Add(Severity.Error, SourceCodes.Container, "source", 0, format.Describe(path), source: path);
        }

        return [new Fault(FaultId.Source, FaultKind.ContainerImage, "A source is a disk-image container, not a raw disk",
            found.Select(f => $"{f.Path}: {f.Format.Name} header at byte 0 (read as raw, it would look like a destroyed partition table)").ToList())];
    }
}
