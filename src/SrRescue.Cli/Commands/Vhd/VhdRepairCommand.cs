using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>
/// `vhd repair FILE -o OUT [--force] [--json]`: a repaired copy in a new file (the source is only
/// read), orphaned blocks that cannot be placed saved as OUT.orphan-&lt;offset&gt;.bin, and the
/// repaired file checked again. Exit 0 when everything was recovered and the copy checks clean of
/// errors, 1 when something was lost, kept only in part, could not be put back, or the check of the
/// copy still finds an error (a parent that is missing).
/// </summary>
internal static class VhdRepairCommand
{
    public static Command Create(CliContext ctx)
    {
        var output = CommonOptions.Output();
        var force = CommonOptions.Force("Overwrite OUT and orphan files that already exist.");
        var cmd = new ImageFileCommand(ctx, "repair", "Write a repaired copy of a damaged VHD: footers, header, BAT, batmap, orphaned blocks put back, every lost block listed.",
            "The damaged VHD file or LV (opened read-only, never changed).", [output, force]);

        // The report agrees with the check of the copy: a repaired child whose parent is still
        // missing (or any error the check finds) is not "everything recovered".
        return cmd.SetReport((p, file) => Repair(ctx, file, p.GetValue(output)!, p.GetValue(force)), c => c.VhdRepairCommandReport, VhdRepairText.Write,
            r => r.AllRecovered ? ExitCodes.Success : ExitCodes.DataErrors, output);
    }

    private static VhdRepairCommandReport Repair(CliContext ctx, ImageFile file, string outPath, bool force)
    {
        var log = new FindingLog();
        var bar = new ProgressBar(ctx);
        VhdRepairReport report;
        using (var stream = OutputFile.Create(outPath, force))
        {
            try
            {
                report = VhdRepairer.Repair(file.Source, stream, new VhdRepairOptions
                {
                    Footers = file.Footers,
                    OrphanPathPrefix = outPath,
                    Overwrite = force,
                    Progress = bar,
                }, log);
                stream.Commit();
            }
            catch (CorruptDataException)
            {
                stream.Dispose(); // uncommitted: the temporary file is removed, nothing has the output's name
                throw;
            }
        }

        bar.Done();
        VhdCheckReport after;
        using (var repaired = FileSource.Open(outPath))
        using (var resolver = file.Parents())
        {
            after = VhdChecker.Check(repaired, new FindingLog(), new VhdCheckOptions { ParentResolver = resolver });
        }

        return VhdRepairCommandReport.Of(report, file.Path, outPath, after, log);
    }
}
