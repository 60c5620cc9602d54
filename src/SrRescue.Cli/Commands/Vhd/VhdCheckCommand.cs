using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>
/// `vhd check FILE [--bitmaps] [--json]`: every check vhd-util check makes, with every problem
/// reported; exit 0 when clean, 1 when problems were found. A block device is taken to be an LV
/// of an LVHD SR (a 0xC7 primary footer is then normal).
/// </summary>
internal static class VhdCheckCommand
{
    public static Command Create(CliContext ctx)
    {
        var bitmaps = new Option<bool>("--bitmaps") { Description = "Also read every block and report data in sectors whose bitmap bit is clear (vhd-util check -b). Reads the whole file." };
        var cmd = new ImageFileCommand(ctx, "check", "Check every structure of a VHD and report every problem, not just the first.",
            "A VHD file or LV (opened read-only). Its parent is looked for beside it.", [], bitmaps);
        return cmd.SetReport((p, file) =>
        {
            var log = new FindingLog();
            using var resolver = file.Parents();
            var bar = new ProgressBar(ctx);
            var report = VhdChecker.Check(file.Source, log, new VhdCheckOptions
            {
                Footers = file.Footers,
                CheckBitmaps = p.GetValue(bitmaps),
                ParentResolver = resolver,
                Progress = bar,
            });
            bar.Done();
            return VhdCheckCommandReport.Of(report, log);
        }, c => c.VhdCheckCommandReport, VhdCheckText.Write, r => r.Clean ? ExitCodes.Success : ExitCodes.DataErrors);
    }
}
