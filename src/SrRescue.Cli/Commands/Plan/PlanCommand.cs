using System.CommandLine;

namespace SrRescue.Cli.Commands.Plan;

/// <summary>`plan`: scripts to run where srrescue cannot (dom0).</summary>
internal static class PlanCommand
{
    public static Command Create(CliContext ctx) => new("plan", "Scripts to run where srrescue itself cannot run.")
    {
        PlanDom0Command.Create(ctx),
    };
}
