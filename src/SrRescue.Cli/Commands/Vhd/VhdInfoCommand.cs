using System.CommandLine;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>`vhd info FILE`: every field of the footers, the header, the batmap, the locators and the chain.</summary>
internal static class VhdInfoCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = new Argument<string>("FILE") { Description = "A VHD file (opened read-only)." };
        file.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var json = CommonOptions.Json();
        var cmd = new Command("info", "Every field of a VHD: footers, dynamic header, BAT summary, batmap, parent locators, chain.") { file, json };
        cmd.SetAction(p =>
        {
            var path = p.GetValue(file)!;
            var log = new FindingLog();
            using var source = FileSource.Open(path);
            using var resolver = LvhdParentFiles.Resolver(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var chain = VhdChain.Open(source, path, resolver, log);
            var image = chain.Members[0];
            var locators = ParentName.Candidates(image, log);
            var report = VhdInfoReport.Of(image, chain, locators, log);
            if (p.GetValue(json))
            {
                ReportJson.Write(ctx.Out, report, c => c.VhdInfoReport);
            }
            else
            {
                VhdInfoText.Write(ctx.Out, report);
            }

            return log.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success;
        });
        return cmd;
    }
}
