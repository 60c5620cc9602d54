using SrRescue.Cli.Output;
using SrRescue.Diagnostics;
using SrRescue.Recovery;

namespace SrRescue.Cli.Commands;

/// <summary>The doctor's report for a person under stress: what is wrong, what is there, what to type, what not to do.</summary>
internal static class DoctorText
{
    public static void Write(TextWriter o, Diagnosis d, FindingLog log)
    {
        o.WriteLine(d.SrUuid is null
            ? $"Sources: {string.Join(", ", d.Sources)}"
            : $"SR {d.SrUuid}{(d.SrName is null ? "" : $" \"{d.SrName}\"")} (volume group {d.VgName}) on {string.Join(", ", d.Sources)}");
        o.WriteLine();
        o.WriteLine("WHAT IS WRONG");
        var problems = d.Faults.Where(f => !f.IsInformational).ToList();
        if (problems.Count == 0)
        {
            o.WriteLine("  No damage found.");
        }

        foreach (var f in d.Faults)
        {
            o.WriteLine($"  {f.Id.Name()} ({f.Kind.Name()}): {f.Title}");
            foreach (var e in f.Evidence)
            {
                o.WriteLine($"      - {e}");
            }
        }

        if (d.Vdis.Count > 0)
        {
            o.WriteLine();
            o.WriteLine($"WHAT IS ON THE DISK ({d.Vdis.Count} VDIs)");
            var table = new TextTable("VDI UUID", "NAME", "SIZE", "PARENT", "HIDDEN", "STATE");
            foreach (var v in d.Vdis)
            {
                table.Add(v.Uuid, v.NameLabel ?? "-", v.VirtualSizeBytes is { } s ? Units.Bytes(s) : "-", v.ParentUuid is { } p ? p[..8] + "…" : "-",
                    v.Hidden ? "yes" : "no", Reports.VdiReport.StateName(v.State));
            }

            table.Write(o);
        }

        o.WriteLine();
        o.WriteLine("WHAT TO DO, IN THIS ORDER");
        if (d.Plan.Count == 0)
        {
            o.WriteLine(d.Faults.Any(f => !f.IsInformational)
                ? "  Nothing SrRescue can recover from these sources (see above)."
                : "  Nothing to do.");
        }

        var n = 1;
        foreach (var step in d.Plan)
        {
            var who = step.Tool switch { StepTool.SrRescue => step.WritesToDisk ? "WRITES TO THE DISK, undo journal first" : "reads only", StepTool.Lvm => step.WritesToDisk ? "WRITES TO THE DISK" : "lvm2, changes nothing", StepTool.QemuImg => "qemu-img, reads only", _ => "XenServer" };
            o.WriteLine($"  {n++,2}. {step.CommandLine}");
            o.WriteLine($"      ({who}) {step.Why}");
        }

        if (d.Warnings.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("WARNINGS");
            foreach (var w in d.Warnings)
            {
                o.WriteLine($"  ! {w}");
            }
        }

        FindingsText.Write(o, log);
    }
}
