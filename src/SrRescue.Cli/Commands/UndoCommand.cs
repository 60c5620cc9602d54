using System.CommandLine;
using SrRescue.Cli.Reports;
using SrRescue.Io;

namespace SrRescue.Cli.Commands;

/// <summary>`undo JOURNAL [--target PATH]`: puts back the old bytes an in-place write saved.</summary>
internal static class UndoCommand
{
    public static Command Create(CliContext ctx)
    {
        var journal = new Argument<string>("JOURNAL") { Description = "An undo journal written by an --in-place command." };
        journal.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var target = new Option<string?>("--target") { Description = "The disk to restore, when it is no longer at the path the journal names." };
        var force = CommonOptions.Force("Restore even where the disk no longer holds what the in-place write put there (it changed since).");
        var json = CommonOptions.Json();
        var cmd = new Command("undo", "Restore the bytes an --in-place write replaced, from its undo journal.") { journal, target, force, json };
        cmd.SetAction(p =>
        {
            var (path, records) = InPlaceWriter.Undo(p.GetValue(journal)!, p.GetValue(target), p.GetValue(force));
            var report = UndoReport.Of(p.GetValue(journal)!, path, records);
            if (p.GetValue(json))
            {
                ReportJson.Write(ctx.Out, report, c => c.UndoReport);
            }
            else
            {
                UndoText.Write(ctx.Out, report);
            }

            return ExitCodes.Success;
        });
        return cmd;
    }
}
