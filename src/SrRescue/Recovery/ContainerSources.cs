using SrRescue.Io;

namespace SrRescue.Recovery;

/// <summary>
/// Sources that are container images (qcow2, VMDK, VHDX, VDI; <see cref="ContainerFormat"/>), not
/// raw disks. Read as raw they look like a disk whose partition table and LVM label are destroyed,
/// and a plan built on that would write a partition table over the container's header, so the
/// doctor finds them first and plans only the read-only way in (<see cref="PlanBuilder"/>).
/// </summary>
internal static class ContainerSources
{
    /// <summary>The sources that are containers other than VHD (VHD files have their own checks).</summary>
    public static IReadOnlyList<(string Path, ContainerFormat Format)> Find(IReadOnlyList<string> sources)
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

        return found;
    }
}
