using System.CommandLine;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Qcow2;

namespace SrRescue.Cli.Commands.Qcow2;

/// <summary>`qcow2 info FILE`: every header field, the extensions (XCP-ng's hidden flag among them) and the backing chain.</summary>
internal static class Qcow2InfoCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new ImageFileCommand(ctx, "info", "Every field of a QCOW2 header: version, clusters, tables, features, extensions, the hidden flag, the backing chain.",
            "A QCOW2 file (opened read-only).", []);
        return cmd.SetReport((_, file) =>
        {
            var log = new FindingLog();
            using var resolver = file.Backings();
            var chain = Qcow2Chain.Open(file.Source, file.Path, resolver, log);
            return Qcow2InfoReport.Of(file.Path, chain, log);
        }, c => c.Qcow2InfoReport, Qcow2InfoText.Write, r => r.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success);
    }
}
