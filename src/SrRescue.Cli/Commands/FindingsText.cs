using SrRescue.Diagnostics;

namespace SrRescue.Cli.Commands;

/// <summary>The findings block at the end of a text report, warnings and errors first.</summary>
internal static class FindingsText
{
    public static void Write(TextWriter o, IEnumerable<Reports.FindingReport> findings, bool includeInfo = false) =>
        Write(o, findings.Select(f => f.Finding), includeInfo);

    public static void Write(TextWriter o, FindingLog log, bool includeInfo = false, Func<Finding, bool>? exclude = null) =>
        Write(o, log.Snapshot(), includeInfo, exclude);

    private static void Write(TextWriter o, IEnumerable<Finding> findings, bool includeInfo, Func<Finding, bool>? exclude = null)
    {
        var list = findings.Where(f => (includeInfo || f.Severity != Severity.Info) && !(exclude?.Invoke(f) ?? false)).OrderByDescending(f => f.Severity).ToList();
        if (list.Count == 0)
        {
            return;
        }

        o.WriteLine();
        o.WriteLine($"Findings ({list.Count})");
        foreach (var f in list.Take(50))
        {
            o.WriteLine($"  {f}");
        }

        if (list.Count > 50)
        {
            o.WriteLine($"  ... and {list.Count - 50} more (use --json for all)");
        }
    }
}
