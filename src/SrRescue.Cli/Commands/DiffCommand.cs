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
        return cmd.SetAction((p, lvm, json) =>
        {
            var a = Versions.RequireUsable(lvm, p.GetValue(from)!.Value);
            var b = Versions.RequireUsable(lvm, p.GetValue(to)!.Value);
            var report = DiffReport.Of(a, b);
            if (json)
            {
                ReportJson.Write(ctx.Out, report, c => c.DiffReport);
            }
            else
            {
                DiffText.Write(ctx.Out, report);
            }

            return ExitCodes.Success;
        });
    }
}
