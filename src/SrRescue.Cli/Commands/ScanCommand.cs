using System.CommandLine;
using SrRescue.Cli.Reports;

namespace SrRescue.Cli.Commands;

/// <summary>`scan`: the inventory of the LVM layer: PV labels, metadata areas, the newest VG and its LVs with XenServer names.</summary>
internal static class ScanCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new LvmCommand(ctx, "scan", "Inventory of every layer: PV labels (byte offsets), metadata areas and copies, the newest VG and its LVs, findings.");
        return cmd.SetReport((_, lvm) => ScanReport.Of(lvm), c => c.ScanReport, (ctx, r) => ScanText.Write(ctx.Out, r),
            (_, lvm) => lvm.Findings.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success);
    }
}
