using System.CommandLine;
using SrRescue.Cli.Reports;

namespace SrRescue.Cli.Commands;

/// <summary>`diff --from N --to M`: the LV changes between two metadata versions.</summary>
internal static class DiffCommand
{
    public static Command Create(CliContext ctx)
    {
        var from = CommonOptions.Seqno("--from", "The older seqno.");
        var to = CommonOptions.Seqno("--to", "The newer seqno.");
        from.Required = true;
        to.Required = true;
        var cmd = new LvmCommand(ctx, "diff", "What changed between two metadata copies: LVs created, removed, resized, renamed, moved.", from, to);
        return cmd.SetReport(
            (p, lvm) => DiffReport.Of(Versions.RequireUsable(lvm, p.GetValue(from)!.Value), Versions.RequireUsable(lvm, p.GetValue(to)!.Value)),
            c => c.DiffReport, (ctx, r) => DiffText.Write(ctx.Out, r), (_, _) => ExitCodes.Success);
    }
}
