namespace SrRescue.Recovery;

/// <summary>Who runs a plan step.</summary>
public enum StepTool
{
    /// <summary>This program: reads the sources, writes only new files.</summary>
    SrRescue,

    /// <summary>An lvm2 command on the host: writes LVM metadata to the disk.</summary>
    Lvm,

    /// <summary>A XenServer xe command on the pool master.</summary>
    Xe,

    /// <summary>qemu-img: reads a container image (qcow2, VMDK, VHDX, VDI), writes a new raw file.</summary>
    QemuImg,
}

/// <summary>
/// One step of the recovery plan: the command as an argument list (so it can be run as given,
/// and shown quoted for a shell), and why it is there.
/// </summary>
public sealed record PlanStep(StepTool Tool, IReadOnlyList<string> Arguments, string Why)
{
    /// <summary>The step changes the damaged disk (lvm2 writing metadata, a dry run does not; srrescue with --in-place).</summary>
    public bool WritesToDisk => (Tool == StepTool.Lvm && !Arguments.Contains("--test")) || Arguments.Contains("--in-place");

    /// <summary>The command line as a person would type it (arguments quoted where needed).</summary>
    public string CommandLine => string.Join(' ', Arguments.Select(Quote));

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%<>".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
