namespace SrRescue.Recovery;

/// <summary>Which other program runs a plan step.</summary>
public enum StepTool
{
    /// <summary>An lvm2 command on the host: writes LVM metadata to the disk.</summary>
    Lvm,

    /// <summary>A XenServer xe command on the pool master.</summary>
    Xe,

    /// <summary>qemu-img: reads a container image (qcow2, VMDK, VHDX, VDI), writes a new raw file.</summary>
    QemuImg,
}

/// <summary>One step of the recovery plan, and why it is there.</summary>
public abstract record PlanStep(string Why)
{
    /// <summary>The step changes the damaged disk.</summary>
    public abstract bool WritesToDisk { get; }
}

/// <summary>A step this program runs: a typed command the CLI spells.</summary>
public sealed record RescueStep(RescueCommand Command, string Why) : PlanStep(Why)
{
    public override bool WritesToDisk => Command.WritesToSource;
}

/// <summary>
/// A step another program runs (lvm2, xe, qemu-img), as its argument list in that program's own
/// spelling, so it can be run as given and shown quoted for a shell.
/// </summary>
public sealed record ToolStep(StepTool Tool, IReadOnlyList<string> Arguments, string Why) : PlanStep(Why)
{
    /// <summary>lvm2 writing metadata (a dry run with --test does not).</summary>
    public override bool WritesToDisk => Tool == StepTool.Lvm && !Arguments.Contains("--test");
}
