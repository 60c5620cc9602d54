using System.CommandLine;
using SrRescue.Cli.Reports;

namespace SrRescue.Cli.Commands;

/// <summary>`list`: every VDI known from any source, with its name from MGT and its state.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new LvmCommand(ctx, "list", "Every VDI known from any source: uuid, name (from MGT), kind, virtual size, parent, hidden, snapshot of, state (present, deleted-recoverable, deleted-overwritten, unaccounted).");
        return cmd.SetReport((_, lvm) => ListReport.Of(lvm), c => c.ListReport, (ctx, r) => ListText.Write(ctx.Out, r),
            (_, lvm) => lvm.Vg is null ? ExitCodes.DataErrors : ExitCodes.Success);
    }
}
