using SrRescue.Recovery;

namespace SrRescue.Cli.Reports;

/// <summary>One step of the doctor's plan: who runs it, whether it writes to the disk, the command (as arguments and as a line to type), and why.</summary>
internal sealed record PlanStepReport(int Step, string Tool, bool WritesToDisk, IReadOnlyList<string> Argv, string Command, string Why)
{
    public static PlanStepReport Of(PlanStep step, int number)
    {
        var (tool, argv) = step switch
        {
            RescueStep r => ("srrescue", RescueCommandLine.Arguments(r.Command)),
            ToolStep t => (t.Tool.ToString().ToLowerInvariant(), t.Arguments),
            _ => throw new ArgumentOutOfRangeException(nameof(step), step.GetType().Name, "an unknown kind of step"),
        };
        return new PlanStepReport(number, tool, step.WritesToDisk, argv, RescueCommandLine.Quoted(argv), step.Why);
    }

    /// <summary>Who runs it and what it does to the disk, for the text.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Who => (Tool, WritesToDisk) switch
    {
        ("srrescue", true) => "WRITES TO THE DISK, undo journal first",
        ("srrescue", false) => "reads only",
        ("lvm", true) => "WRITES TO THE DISK",
        ("lvm", false) => "lvm2, changes nothing",
        ("qemuimg", _) => "qemu-img, reads only",
        _ => "XenServer",
    };
}
