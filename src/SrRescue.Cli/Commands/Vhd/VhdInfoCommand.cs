using System.CommandLine;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>`vhd info FILE`: every field of the footers, the header, the batmap, the locators and the chain.</summary>
internal static class VhdInfoCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new ImageFileCommand(ctx, "info", "Every field of a VHD: footers, dynamic header, BAT summary, batmap, parent locators, chain.", "A VHD file (opened read-only).", []);
        return cmd.SetReport((_, file) =>
        {
            var log = new FindingLog();
            using var resolver = file.Parents();
            var chain = file.OpenVhdChain(resolver, log);
            var image = chain.Members[0];
            return VhdInfoReport.Of(image, chain, ParentName.Candidates(image, log), log);
        }, c => c.VhdInfoReport, VhdInfoText.Write, r => r.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success);
    }
}
