using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

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
        var file = new Argument<string>("FILE") { Description = "The damaged VHD file or LV (opened read-only, never changed)." };
        file.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var output = CommonOptions.Output();
        var force = CommonOptions.Force("Overwrite OUT and orphan files that already exist.");
        var json = CommonOptions.Json();
        var cmd = new Command("repair", "Write a repaired copy of a damaged VHD: footers, header, BAT, batmap, orphaned blocks put back, every lost block listed.")
        {
            file, output, force, json,
        };
        cmd.SetAction(p =>
        {
            var path = p.GetValue(file)!;
            var outPath = p.GetValue(output)!;
            OutputFile.EnsureNotASource(outPath, [path]);
            var log = new FindingLog();
            using var source = FileSource.Open(path);
            var bar = new ProgressBar(ctx);
            VhdRepairReport report;
            using (var stream = OutputFile.Create(outPath, p.GetValue(force)))
            {
                try
                {
                    report = VhdRepairer.Repair(source, stream, new VhdRepairOptions
                    {
                        Footers = source.IsBlockDevice ? LvhdFooters.OnLv : FooterPolicy.File,
                        OrphanPathPrefix = outPath,
                        Overwrite = p.GetValue(force),
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
            using (var resolver = LvhdParentFiles.Resolver(Path.GetDirectoryName(Path.GetFullPath(path))!))
            {
                after = VhdChecker.Check(repaired, new FindingLog(), new VhdCheckOptions { ParentResolver = resolver });
            }

            var result = VhdRepairCommandReport.Of(report, path, outPath, after, log);
            if (p.GetValue(json))
            {
                ReportJson.Write(ctx.Out, result, c => c.VhdRepairCommandReport);
            }
            else
            {
                VhdRepairText.Write(ctx.Out, result);
            }

            // The report agrees with the check of the copy: a repaired child whose parent is still
            // missing (or any error the check finds) is not "everything recovered".
            return result.AllRecovered ? ExitCodes.Success : ExitCodes.DataErrors;
        });
        return cmd;
    }
}
