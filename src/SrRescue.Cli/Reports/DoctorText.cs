using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The doctor's report for a person under stress: what is wrong, what is there, what to type, what not to do.</summary>
internal static class DoctorText
{
    public static void Write(TextWriter o, DoctorReport r)
    {
        o.WriteLine(r.SrUuid is null
            ? $"Sources: {string.Join(", ", r.Sources)}"
            : $"SR {r.SrUuid}{(r.SrName is null ? "" : $" \"{r.SrName}\"")} (volume group {r.Vg}) on {string.Join(", ", r.Sources)}");
        o.WriteLine();
        o.WriteLine("WHAT IS WRONG");
        if (!r.HasDamage)
        {
            o.WriteLine("  No damage found.");
        }

        foreach (var f in r.Faults)
        {
            o.WriteLine($"  {f.Id} ({f.Kind}): {f.Title}");
            foreach (var e in f.Evidence)
            {
                o.WriteLine($"      - {e}");
            }
        }

        if (r.Vdis.Count > 0)
        {
            o.WriteLine();
            o.WriteLine($"WHAT IS ON THE DISK ({r.Vdis.Count} VDIs)");
            var table = new TextTable("VDI UUID", "NAME", "SIZE", "PARENT", "HIDDEN", "STATE");
            foreach (var v in r.Vdis)
            {
                table.Add(v.Uuid, v.NameLabel ?? "-", v.VirtualSize is { } s ? Units.Bytes(s) : "-", v.Parent is { } p ? p[..8] + "…" : "-",
                    v.Hidden ? "yes" : "no", VdiReport.StateName(v.State));
            }

            table.Write(o);
        }

        o.WriteLine();
        o.WriteLine("WHAT TO DO, IN THIS ORDER");
        if (r.Plan.Count == 0)
        {
            o.WriteLine(r.HasDamage ? "  Nothing SrRescue can recover from these sources (see above)." : "  Nothing to do.");
        }

        foreach (var step in r.Plan)
        {
            o.WriteLine($"  {step.Step,2}. {step.Command}");
            o.WriteLine($"      ({step.Who}) {step.Why}");
        }

        if (r.Warnings.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("WARNINGS");
            foreach (var w in r.Warnings)
            {
                o.WriteLine($"  ! {w}");
            }
        }

        FindingsText.Write(o, r.Findings);
    }
}
