using System.CommandLine;
using SrRescue.Cli.Reports;

namespace SrRescue.Cli.Commands;

/// <summary>`history`: every metadata copy found and what changed from one seqno to the next.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new LvmCommand(ctx, "history", "Every metadata copy found (seqno, place, size, checksum, wrap, time, host, description, LV count) and the LVs created, removed, resized and renamed since the previous seqno.");
        return cmd.SetReport((_, lvm) => HistoryReport.Of(lvm), c => c.HistoryReport, (ctx, r) => HistoryText.Write(ctx.Out, r),
            (_, lvm) => lvm.Vg is null ? ExitCodes.DataErrors : ExitCodes.Success);
    }
}
