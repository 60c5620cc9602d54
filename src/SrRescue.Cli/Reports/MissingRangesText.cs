namespace SrRescue.Cli.Reports;

/// <summary>The first ranges that came from a missing parent or backing file, one per line, and how many more --json lists.</summary>
internal static class MissingRangesText
{
    private const int TextRanges = 20;

    public static void Write(TextWriter o, IReadOnlyList<VhdConvertReport.RangeEntry> ranges, bool truncated)
    {
        foreach (var range in ranges.Take(TextRanges))
        {
            o.WriteLine($"    bytes {range.Offset}-{range.Offset + range.Length - 1} ({Output.Units.Bytes(range.Length)})");
        }

        var more = ranges.Count - TextRanges;
        if (more > 0 || truncated)
        {
            o.WriteLine($"    ... and {(truncated ? "more" : more.ToString(System.Globalization.CultureInfo.InvariantCulture))} more ranges (--json lists {ranges.Count})");
        }
    }
}
