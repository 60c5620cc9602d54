using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Recovery;

namespace SrRescue.Cli.Commands;

/// <summary>`doctor`: which faults of the playbook apply, with evidence, and the ordered plan.</summary>
internal static class DoctorCommand
{
    public static Command Create(CliContext ctx)
    {
        var sources = CommonOptions.Sources();
        var json = CommonOptions.Json();
        var backup = CommonOptions.LvmBackup();
        var noPvSearch = CommonOptions.NoPvSearch();
        var outDir = new Option<string>("--output-dir") { Description = "Where the plan's srrescue steps write their files.", DefaultValueFactory = _ => "recovered" };
        var cmd = new Command("doctor", "Diagnosis: which faults F1-F7 apply, with evidence, and the ordered plan (srrescue commands, then xe commands).")
        {
            sources, json, backup, noPvSearch, outDir,
        };
        cmd.SetAction(p =>
        {
            var log = new FindingLog();
            var bar = new ProgressBar(ctx);
            var d = Doctor.Diagnose(p.GetValue(sources)!, p.GetValue(backup), p.GetValue(outDir)!, log, bar, searchInside: !p.GetValue(noPvSearch));
            bar.Done();
            var report = DoctorReport.Of(d, log);
            if (p.GetValue(json))
            {
                ReportJson.Write(ctx.Out, report, c => c.DoctorReport);
            }
            else
            {
                DoctorText.Write(ctx.Out, report);
            }

            return report.HasDamage ? ExitCodes.DataErrors : ExitCodes.Success;
        });
        return cmd;
    }
}
