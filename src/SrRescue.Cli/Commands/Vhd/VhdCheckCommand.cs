using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

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
        var file = new Argument<string>("FILE") { Description = "A VHD file or LV (opened read-only). Its parent is looked for beside it." };
        file.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var json = CommonOptions.Json();
        var bitmaps = new Option<bool>("--bitmaps") { Description = "Also read every block and report data in sectors whose bitmap bit is clear (vhd-util check -b). Reads the whole file." };
        var cmd = new Command("check", "Check every structure of a VHD and report every problem, not just the first.") { file, json, bitmaps };
        cmd.SetAction(p =>
        {
            var path = p.GetValue(file)!;
            var log = new FindingLog();
            using var source = FileSource.Open(path);
            using var resolver = LvhdParentFiles.Resolver(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var bar = new ProgressBar(ctx);
            var report = VhdChecker.Check(source, log, new VhdCheckOptions
            {
                Footers = source.IsBlockDevice ? LvhdFooters.OnLv : FooterPolicy.File,
                CheckBitmaps = p.GetValue(bitmaps),
                ParentResolver = resolver,
                Progress = bar,
            });
            bar.Done();
            var result = VhdCheckCommandReport.Of(report, log);
            if (p.GetValue(json))
            {
                ReportJson.Write(ctx.Out, result, c => c.VhdCheckCommandReport);
            }
            else
            {
                VhdCheckText.Write(ctx.Out, result, path);
            }

            return report.IsClean ? ExitCodes.Success : ExitCodes.DataErrors;
        });
        return cmd;
    }
}
