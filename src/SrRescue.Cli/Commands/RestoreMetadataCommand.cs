using System.CommandLine;
using System.Text;
using SrRescue.Cli.Output;
using SrRescue.Diagnostics;
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
        return cmd.SetAction((p, lvm, json) =>
        {
            var outPath = p.GetValue(output)!;
            var newest = Versions.RequireNewest(lvm);
            var old = Versions.RequireUsable(lvm, p.GetValue(seqno)!.Value);
            var chosen = p.GetValue(lvs) is { Length: > 0 } names ? names : null;
            var isForced = p.GetValue(force);
            // Damaged and uncommitted copies count too: the restored seqno must be above all of them.
            var highestSeen = lvm.Vg!.Versions.Max(v => v.Seqno);
            var plan = RestoreMetadataBuilder.Build(newest.Vg!, old.Vg!, chosen, isForced, lvm.Findings, highestSeen,
                reusedSince: name => ExtentReuse.Find(lvm.Vg!, old.Seqno, name));
            // A refused plan has no text; with --force, conflicts still give a text and are listed.
            var written = plan.Text is not null;
            if (written)
            {
                using var file = OutputFile.Create(outPath, isForced);
                file.Write(Encoding.UTF8.GetBytes(plan.Text!));
                file.Commit();
            }

            if (json)
            {
                WriteJson(ctx, lvm, newest, old, plan, written ? outPath : null);
            }
            else
            {
                WriteText(ctx, lvm, newest, old, plan, written ? outPath : null);
            }

            return written && plan.IsSafe ? ExitCodes.Success : ExitCodes.DataErrors;
        }, output);
    }

    private static void WriteJson(CliContext ctx, LvmInspection lvm, MetadataVersion newest, MetadataVersion old, RestorePlan plan, string? path)
    {
        using var j = new JsonOut(ctx.Out, "restore-metadata");
        var w = j.W;
        w.WriteString("vg", newest.VgName);
        w.WriteNumber("newest_seqno", newest.Seqno);
        w.WriteNumber("from_seqno", old.Seqno);
        w.WriteNumber("file_seqno", plan.Seqno);
        w.WriteNumber("seqno_after_vgcfgrestore", plan.RestoredSeqno);
        j.NullableString("output", path);
        w.WriteBoolean("refused", plan.Refused);
        j.Strings("problems", plan.Problems);
        j.Strings("restored_lvs", plan.RestoredLvs);
        w.WriteStartArray("conflicts");
        foreach (var c in plan.Conflicts)
        {
            w.WriteStartObject();
            w.WriteString("lv", c.LvName);
            w.WriteString("pv_id", c.PvId);
            w.WriteNumber("first_pe", c.FirstPe);
            w.WriteNumber("pe_count", c.PeCount);
            w.WriteString("used_by", c.OtherLvName);
            j.NullableNumber("used_in_seqno", c.Seqno);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.Findings(lvm.Findings);
    }

    private static void WriteText(CliContext ctx, LvmInspection lvm, MetadataVersion newest, MetadataVersion old, RestorePlan plan, string? path)
    {
        var o = ctx.Out;
        o.WriteLine($"Volume group {newest.VgName}: newest seqno {newest.Seqno}; LVs taken from seqno {old.Seqno}: {(plan.RestoredLvs.Count == 0 ? "none" : string.Join(", ", plan.RestoredLvs))}");
        foreach (var c in plan.Conflicts)
        {
            o.WriteLine($"  UNSAFE: {c.LvName} extents {c.FirstPe}-{c.FirstPe + c.PeCount - 1} on PV {c.PvId} {(c.Seqno is { } at ? $"were given to {c.OtherLvName} in seqno {at}" : $"are now used by {c.OtherLvName}")}; that data is probably overwritten");
        }

        if (path is null)
        {
            o.WriteLine("Refused, nothing written.");
            foreach (var problem in plan.Conflicts.Count == 0 ? plan.Problems : [])
            {
                o.WriteLine($"  {problem}");
            }

            if (plan.Conflicts.Count > 0)
            {
                o.WriteLine("Name the LVs whose extents are free with --lv, or use --force to write the file anyway (the ranges above would then be restored with whatever data they hold now).");
            }
        }
        else
        {
            o.WriteLine($"Wrote {path} (seqno {plan.Seqno}; vgcfgrestore commits it as seqno {plan.RestoredSeqno}). To apply it, with the SR detached on every host:");
            o.WriteLine($"  vgcfgrestore --test -f {path} {newest.VgName}");
            o.WriteLine($"  vgcfgrestore -f {path} {newest.VgName}");
        }

        // The restore's own findings are the lines above.
        FindingsText.Write(o, lvm.Findings, exclude: f => LvmCodes.IsRestore(f.Code));
    }
}
