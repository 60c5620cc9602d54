using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Commands;

/// <summary>`history`: every metadata copy found and what changed from one seqno to the next.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new LvmCommand(ctx, "history", "Every metadata copy found (seqno, place, size, checksum, wrap, time, host, description, LV count) and the LVs created, removed, resized and renamed since the previous seqno.");
        return cmd.SetAction((p, lvm, json) =>
        {
            if (json)
            {
                WriteJson(ctx, lvm);
            }
            else
            {
                WriteText(ctx, lvm);
            }

            return lvm.Vg is null ? ExitCodes.DataErrors : ExitCodes.Success;
        });
    }

    private static void WriteJson(CliContext ctx, LvmInspection lvm)
    {
        using var j = new JsonOut(ctx.Out, "history");
        var w = j.W;
        w.WriteStartArray("vgs");
        foreach (var vg in OrderedVgs(lvm))
        {
            w.WriteStartObject();
            w.WriteString("name", vg.VgName);
            w.WriteString("id", vg.VgId);
            w.WriteBoolean("current", ReferenceEquals(vg, lvm.Vg));
            w.WriteStartArray("versions");
            foreach (var v in vg.Versions)
            {
                w.WriteStartObject();
                w.WriteNumber("seqno", v.Seqno);
                w.WriteString("checksum", $"{v.Checksum:x8}");
                w.WriteBoolean("committed", v.IsCommitted);
                w.WriteBoolean("damaged", v.IsDamaged);
                j.NullableNumber("creation_time", v.Summary?.CreationTime);
                j.NullableString("creation_host", v.Summary?.CreationHost);
                j.NullableString("description", v.Summary?.Description);
                j.NullableNumber("lv_count", v.Summary?.LvCount);
                w.WriteStartArray("copies");
                foreach (var c in v.Copies)
                {
                    j.Copy(c);
                }

                w.WriteEndArray();
                w.WriteStartArray("changes");
                foreach (var change in v.Changes)
                {
                    ChangeJson.Write(j, change);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.Findings(lvm.Findings);
    }

    private static IEnumerable<VgHistory> OrderedVgs(LvmInspection lvm) =>
        lvm.History.Vgs.OrderByDescending(v => ReferenceEquals(v, lvm.Vg));

    private static void WriteText(CliContext ctx, LvmInspection lvm)
    {
        var o = ctx.Out;
        if (lvm.History.Vgs.Count == 0)
        {
            o.WriteLine("No LVM metadata copy was found.");
        }

        foreach (var vg in OrderedVgs(lvm))
        {
            o.WriteLine($"{(ReferenceEquals(vg, lvm.Vg) ? "Volume group" : "Older volume group")} {vg.VgName} (id {vg.VgId}): {vg.Versions.Count} metadata versions");
            var table = new TextTable("SEQNO", "WRITTEN (UTC)", "LVS", "WHERE", "SIZE", "CRC", "STATE", "CHANGES");
            foreach (var v in vg.Versions)
            {
                var first = v.Primary;
                var where = v.Copies.Count == 1 ? $"{Path.GetFileName(first.Source)}@{first.OffsetBytes}" : $"{Path.GetFileName(first.Source)}@{first.OffsetBytes} +{v.Copies.Count - 1}";
                var state = string.Join(",", new[]
                {
                    v.IsCommitted ? "committed" : null,
                    v.Copies.Any(c => c.Wraps) ? "wrapped" : null,
                    v.IsDamaged ? "DAMAGED" : null,
                    v.Copies.Any(c => c.SlotChecksumMatches == false) ? "CRC-MISMATCH" : null,
                    v.Copies.All(c => c.Origin == CopyOrigin.BackupFile) ? "backup-file" : null,
                }.Where(s => s is not null));
                var changes = v.Changes.Count == 0 ? (v.Summary is null ? "(unreadable)" : "") : string.Join("; ", v.Changes.Select(ChangeJson.Describe));
                table.Add(v.Seqno.ToString(System.Globalization.CultureInfo.InvariantCulture), Units.UnixTime(v.Summary?.CreationTime), v.Summary?.LvCount.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    where, first.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{v.Checksum:x8}", state == "" ? "ok" : state, changes);
            }

            table.Write(o);
            o.WriteLine();
        }

        var removed = lvm.Vg?.Versions.SelectMany(v => v.Changes.Where(c => c.Kind == LvChangeKind.Removed).Select(c => (v, c))).ToList() ?? [];
        if (removed.Count > 0)
        {
            o.WriteLine("Removed LVs (recoverable from the copy before their removal):");
            foreach (var (v, c) in removed)
            {
                var before = lvm.Vg!.Versions.LastOrDefault(x => x.Seqno < v.Seqno && x.IsUsable && x.Defines(c.LvName));
                var reused = before is null ? [] : ExtentReuse.Find(lvm.Vg!, before.Seqno, c.LvName);
                var advice = before is null ? ""
                    : reused.Count == 0 ? $"; last defined in seqno {before.Seqno} -> srrescue restore-metadata --seqno {before.Seqno} --lv {c.LvName} -o FILE"
                    : $"; last defined in seqno {before.Seqno}, but its extents were later given to {string.Join(", ", reused.Select(r => r.OtherLvName).Distinct(StringComparer.Ordinal))}: not restorable (export gets what is left)";
                o.WriteLine($"  {c.LvName}: removed in seqno {v.Seqno}{advice}");
            }
        }

        FindingsText.Write(o, lvm.Findings);
    }
}
