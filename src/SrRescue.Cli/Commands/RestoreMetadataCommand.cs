using System.CommandLine;
using SrRescue.Cli.Reports;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `restore-metadata --seqno N [--lv NAME]... -o FILE`: a file vgcfgrestore accepts, made of the
/// newest metadata plus the chosen LVs from copy N. Refuses when their extents are in use now.
/// </summary>
internal static class RestoreMetadataCommand
{
    public static Command Create(CliContext ctx)
    {
        var seqno = CommonOptions.Seqno(description: "The older copy that still defines the LVs to bring back.");
        seqno.Required = true;
        var lvs = new Option<string[]>("--lv") { Description = "An LV to bring back (repeatable); default: every LV removed since that seqno." };
        var output = CommonOptions.Output();
        var force = CommonOptions.Force("Write the file even when the LVs' extents are now used by other LVs (the output says which ranges are unsafe), or over an existing output file.");
        var cmd = new LvmCommand(ctx, "restore-metadata", "Write a vgcfgrestore file: the newest metadata plus LVs from an older copy.", seqno, lvs, output, force);
        return cmd.SetReport((p, lvm) =>
        {
            var outPath = p.GetValue(output)!;
            var newest = Versions.RequireNewest(lvm);
            var old = Versions.RequireUsable(lvm, p.GetValue(seqno)!.Value);
            var chosen = p.GetValue(lvs) is { Length: > 0 } names ? names : null;
            var isForced = p.GetValue(force);
            // Damaged and uncommitted copies count too: the restored seqno must be above all of them.
            var highestSeen = lvm.Vg!.Versions.Max(v => v.Seqno);
            // The older copy's sections are needed only for the LVs brought back: the named ones, or
            // by default any LV that the newest copy does not have under the same name and id.
            var newestIds = newest.Summary!.Lvs.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
            var source = old.ParseKeepingLvs((name, id) => chosen?.Contains(name, StringComparer.Ordinal) ?? !(newest.Defines(name) && newestIds.Contains(id)));
            // The newest copy with its tree, parsed inside the builder and let go before it reads the file back.
            var plan = RestoreMetadataBuilder.Build(() => newest.ParseWithTree()!, source!, chosen, isForced, lvm.Findings, highestSeen,
                reusedSince: name => ExtentReuse.Find(lvm.Vg!, old.Seqno, name));
            // A refused plan has no text; with --force, conflicts still give a text and are listed.
            var written = plan.Utf8 is not null;
            if (plan.Utf8 is { } text)
            {
                using var file = OutputFile.Create(outPath, isForced);
                file.Write(text);
                file.Commit();
            }

            return RestoreMetadataReport.Of(newest, old, plan, written ? outPath : null, lvm.Findings);
        }, c => c.RestoreMetadataReport, (ctx, r) => RestoreMetadataText.Write(ctx.Out, r),
            (r, _) => r.Output is not null && !r.Refused && r.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.DataErrors, output);
    }
}
