using System.Globalization;
using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;
using SrRescue.Lvm;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="HistoryReport"/>: a table of versions per VG, the removed LVs with what restores them, the findings.</summary>
internal static class HistoryText
{
    public static void Write(TextWriter o, HistoryReport r)
    {
        if (r.Vgs.Count == 0)
        {
            o.WriteLine("No LVM metadata copy was found.");
        }

        foreach (var vg in r.Vgs)
        {
            o.WriteLine($"{(vg.Current ? "Volume group" : "Older volume group")} {vg.Name} (id {vg.Id}): {vg.Versions.Count} metadata versions");
            var table = new TextTable("SEQNO", "WRITTEN (UTC)", "LVS", "WHERE", "SIZE", "CRC", "STATE", "CHANGES");
            foreach (var v in vg.Versions)
            {
                var first = v.Copies[v.PrimaryCopy];
                var where = $"{Path.GetFileName(first.Source)}@{first.Offset}" + (v.Copies.Count == 1 ? "" : $" +{v.Copies.Count - 1}");
                var state = string.Join(",", new[]
                {
                    v.Committed ? "committed" : null,
                    v.Copies.Any(c => c.Wrapped) ? "wrapped" : null,
                    v.Damaged ? "DAMAGED" : null,
                    v.Copies.Any(c => c.ChecksumOk == false) ? "CRC-MISMATCH" : null,
                    v.Copies.All(c => c.Origin == CopyOrigin.BackupFile) ? "backup-file" : null,
                }.Where(s => s is not null));
                var changes = v.Changes.Count == 0 ? (v.LvCount is null ? "(unreadable)" : "") : string.Join("; ", v.Changes.Select(c => c.Describe()));
                table.Add(v.Seqno.ToString(CultureInfo.InvariantCulture), Units.UnixTime(v.CreationTime), v.LvCount?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    where, first.Size.ToString(CultureInfo.InvariantCulture), v.Checksum, state.Length == 0 ? "ok" : state, changes);
            }

            table.Write(o);
            o.WriteLine();
        }

        if (r.Removed.Count > 0)
        {
            o.WriteLine("Removed LVs (recoverable from the copy before their removal):");
            foreach (var lv in r.Removed)
            {
                var advice = lv.LastDefinedIn is not { } before ? ""
                    : lv.RestoreCommand is { } restore ? $"; last defined in seqno {before} -> {restore}"
                    : $"; last defined in seqno {before}, but its extents were later given to {string.Join(", ", lv.ExtentsGivenTo)}: not restorable (export gets what is left)";
                o.WriteLine($"  {lv.Lv}: removed in seqno {lv.RemovedIn}{advice}");
            }
        }

        FindingsText.Write(o, r.Findings);
    }
}
