using System.CommandLine;
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
        var cmd = new Command("undo", "Restore the bytes an --in-place write replaced, from its undo journal.") { journal, target, force };
        cmd.SetAction(p =>
        {
            var (path, records) = InPlaceWriter.Undo(p.GetValue(journal)!, p.GetValue(target), p.GetValue(force));
            ctx.Out.WriteLine($"Restored {records} range(s) of {path} from {p.GetValue(journal)}.");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
