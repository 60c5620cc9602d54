using SrRescue.Cli.Output;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="DiffReport"/>: one line of totals, then a table of the changes.</summary>
internal static class DiffText
{
    public static void Write(TextWriter o, DiffReport r)
    {
        o.WriteLine($"From seqno {r.From} ({r.FromLvCount} LVs) to seqno {r.To} ({r.ToLvCount} LVs): {(r.Changes.Count == 0 ? "no LV changes" : $"{r.Changes.Count} change(s)")}");
        var table = new TextTable("CHANGE", "LV", "EXTENTS", "DETAIL");
        foreach (var c in r.Changes)
        {
            table.Add(c.KindName, c.Kind == LvChangeKind.Renamed ? $"{c.OldName} => {c.Lv}" : c.Lv, $"{c.OldExtentCount} -> {c.NewExtentCount}", c.Detail);
        }

        if (table.RowCount > 0)
        {
            table.Write(o);
        }
    }
}
