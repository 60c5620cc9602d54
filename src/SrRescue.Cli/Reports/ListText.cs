using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="ListReport"/>: the SR line, the VDI table, the hint when it is empty, the findings.</summary>
internal static class ListText
{
    public static void Write(TextWriter o, ListReport r)
    {
        o.WriteLine($"SR {r.SrUuid ?? "(unknown)"}{(r.SrName is { } n ? $" \"{n}\"" : "")}: {r.Vdis.Count} VDIs");
        var table = new TextTable("VDI UUID", "NAME", "KIND", "VIRTUAL", "PARENT", "HIDDEN", "SNAPSHOT OF", "STATE");
        foreach (var v in r.Vdis)
        {
            table.Add(v.Uuid, v.NameLabel ?? "-", v.Kind, v.VirtualSize is { } s ? Units.Bytes(s) : "-", v.Parent ?? "-",
                v.Hidden ? "yes" : "no", v.SnapshotOf ?? "-", VdiReport.StateName(v.State) + (v.OverwrittenBy.Count > 0 ? $" (by {string.Join(", ", v.OverwrittenBy)})" : ""));
        }

        table.Write(o);
        if (r.NoVdiHint is { } hint)
        {
            o.WriteLine(hint);
        }

        FindingsText.Write(o, r.Findings);
    }
}
