using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of an <see cref="ExportReport"/>: what was written where, the chain, what is missing from it, the findings.</summary>
internal static class ExportText
{
    public static void Write(TextWriter o, ExportReport r)
    {
        var what = r.Format switch { "vhd" => "as one dynamic VHD", "raw" => "as a raw disk (sparse)", _ => "(the LV's bytes)" };
        o.WriteLine($"Exported {r.Lv} {what}: {Units.Bytes(r.Size)}, {Units.Bytes(r.DataBytes)} of data, read through metadata seqno {r.Seqno}{(r.InNewestMetadata ? "" : " (the LV is gone from the newest metadata)")}");
        o.WriteLine($"  to {r.Output}");
        if (r.Chain.Count > 1)
        {
            o.WriteLine($"  chain coalesced: {string.Join(" <- ", r.Chain.Reverse().Select(m => m.Lv))}");
        }

        if (r.MissingParent is { } missing)
        {
            o.WriteLine($"  INCOMPLETE: the parent {missing} was not found; what it held is written as zeros");
        }

        foreach (var u in r.Unmapped)
        {
            o.WriteLine($"  NOT RECOVERED: {u.Lv} bytes {u.Offset}-{u.Offset + u.Length - 1} read as zeros: {u.Reason}");
        }

        foreach (var w in r.NowUsedByOtherLvs)
        {
            o.WriteLine($"  WARNING: {w.Lv} extents {w.Range} now belong to {w.UsedBy}; their data may be overwritten");
        }

        FindingsText.Write(o, r.Findings);
    }
}
