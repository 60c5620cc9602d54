using System.CommandLine;
using SrRescue.Cli.Reports;
using SrRescue.Qcow2;

namespace SrRescue.Cli.Commands.Qcow2;

/// <summary>
/// `qcow2 check FILE`: what `qemu-img check` reports (corruptions, leaked clusters, check errors,
/// allocation), all of it rather than the first problem, each with the structure and byte offset.
/// The file's own refcounts only: backing files are checked on their own, as qemu does.
/// </summary>
internal static class Qcow2CheckCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new ImageFileCommand(ctx, "check", "Check a QCOW2 as qemu-img check does (refcounts, leaks, table placement, L1/L2 entries) and report every problem.",
            "A QCOW2 file (opened read-only).", []);
        return cmd.SetReport((_, file) => Qcow2CheckCommandReport.Of(file.Path, Qcow2Checker.Check(file.Source)),
            c => c.Qcow2CheckCommandReport, Qcow2CheckText.Write, r => r.IsClean ? ExitCodes.Success : ExitCodes.DataErrors);
    }
}
