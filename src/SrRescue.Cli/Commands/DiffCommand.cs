using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Commands;

/// <summary>`diff --from N --to M`: the LV changes between two metadata versions.</summary>
internal static class DiffCommand
{
    public static Command Create(CliContext ctx)
    {
        var from = CommonOptions.Seqno("--from", "The older seqno.");
        var to = CommonOptions.Seqno("--to", "The newer seqno.");
        from.Required = true;
        to.Required = true;
        var cmd = new LvmCommand(ctx, "diff", "What changed between two metadata copies: LVs created, removed, resized, renamed, moved.", from, to);
        return cmd.SetAction((p, lvm, json) =>
        {
            var a = Versions.RequireUsable(lvm, p.GetValue(from)!.Value);
            var b = Versions.RequireUsable(lvm, p.GetValue(to)!.Value);
            var changes = MetadataDiff.Compare(a.Vg!, b.Vg!);
            if (json)
            {
                using var j = new JsonOut(ctx.Out, "diff");
                j.W.WriteNumber("from", a.Seqno);
                j.W.WriteNumber("to", b.Seqno);
                j.W.WriteStartArray("changes");
                foreach (var c in changes)
                {
                    ChangeJson.Write(j, c);
                }

                j.W.WriteEndArray();
            }
            else
            {
                ctx.Out.WriteLine($"From seqno {a.Seqno} ({a.Vg!.Lvs.Count} LVs) to seqno {b.Seqno} ({b.Vg!.Lvs.Count} LVs): {(changes.Count == 0 ? "no LV changes" : $"{changes.Count} change(s)")}");
                var table = new TextTable("CHANGE", "LV", "EXTENTS", "DETAIL");
                foreach (var c in changes)
                {
                    table.Add(ChangeJson.KindId(c.Kind), c.Kind == LvChangeKind.Renamed ? $"{c.OldName} => {c.LvName}" : c.LvName,
                        $"{c.OldExtentCount} -> {c.NewExtentCount}", c.Detail);
                }

                if (table.RowCount > 0)
                {
                    table.Write(ctx.Out);
                }
            }

            return ExitCodes.Success;
        });
    }
}
