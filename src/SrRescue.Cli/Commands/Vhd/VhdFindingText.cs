using SrRescue.Diagnostics;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>Findings of `vhd check` and `vhd repair` as lines a person can act on: the worst first, where, what, the values.</summary>
internal static class VhdFindingText
{
    public const int MaxListed = 60;

    public static void WriteProblems(TextWriter o, IReadOnlyList<Finding> findings)
    {
        var problems = findings.Where(f => f.Severity != Severity.Info).OrderByDescending(f => f.Severity).ToList();
        var errors = problems.Count(f => f.Severity == Severity.Error);
        var warnings = problems.Count - errors;
        if (problems.Count == 0)
        {
            return;
        }

        o.WriteLine();
        o.WriteLine($"PROBLEMS: {errors} {(errors == 1 ? "error" : "errors")}, {warnings} {(warnings == 1 ? "warning" : "warnings")}");
        foreach (var f in problems.Take(MaxListed))
        {
            o.WriteLine($"  {Line(f)}");
        }

        if (problems.Count > MaxListed)
        {
            o.WriteLine($"  ... and {problems.Count - MaxListed} more (--json lists them all)");
        }
    }

    public static void WriteNotes(TextWriter o, IReadOnlyList<Finding> findings)
    {
        var notes = findings.Where(f => f.Severity == Severity.Info).ToList();
        if (notes.Count == 0)
        {
            return;
        }

        o.WriteLine();
        o.WriteLine("Notes:");
        foreach (var f in notes.Take(MaxListed))
        {
            o.WriteLine($"  {Line(f)}");
        }
    }

    public static string Line(Finding f)
    {
        var label = f.Severity switch
        {
            Severity.Error => "ERROR  ",
            Severity.Warning => "WARNING",
            _ => "info   ",
        };
        var where = f.Offset >= 0 ? $" at byte {f.Offset}" : "";
        var values = f.Stored is null && f.Computed is null ? "" : $" (stored {f.Stored ?? "-"}, expected {f.Computed ?? "-"})";
        return $"{label} {f.Structure}{where}: {f.Message}{values} [{f.Code}]";
    }
}
