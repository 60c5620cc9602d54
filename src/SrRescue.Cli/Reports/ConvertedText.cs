using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>
/// The lines `vhd convert` and `qcow2 convert` share: what was written and through which chain,
/// and the ranges that came from a missing parent or backing file.
/// </summary>
internal static class ConvertedText
{
    private const int TextRanges = 20;

    /// <param name="format">Named on the first line when given (a QCOW2's output has no telling extension).</param>
    public static void WriteHead(TextWriter o, string input, string output, string? format, VhdConvertReport.VhdEntry? vhd,
        long virtualSize, long dataBytes, long outputSize, IEnumerable<string> chain)
    {
        var what = vhd is { } v
            ? $"a dynamic VHD (uuid {v.Uuid}, {v.BlocksWritten} of {v.BlockCount} 2 MiB blocks allocated)"
            : "a sparse raw disk";
        var names = chain.Select(Path.GetFileName).ToList();
        o.WriteLine($"Converted {input} to {output}{(format is null ? "" : $" (format {format})")}: {what}");
        o.WriteLine($"  virtual size {Units.Bytes(virtualSize)} ({virtualSize} bytes), {Units.Bytes(dataBytes)} of data, file {Units.Bytes(outputSize)}");
        o.WriteLine($"  chain of {names.Count}: {string.Join(" -> ", names)}");
    }

    /// <param name="missing">What was missing, as a phrase: "the parent X", "the backing file X".</param>
    public static void WriteMissing(TextWriter o, string missing, long missingBytes, IReadOnlyList<VhdConvertReport.RangeEntry> ranges, bool truncated)
    {
        o.WriteLine($"  NOT RECOVERED: {missing} is missing; {Units.Bytes(missingBytes)} ({missingBytes} bytes) needed it and were written as zeros:");
        foreach (var range in ranges.Take(TextRanges))
        {
            o.WriteLine($"    bytes {range.Offset}-{range.Offset + range.Length - 1} ({Units.Bytes(range.Length)})");
        }

        var more = ranges.Count - TextRanges;
        if (more > 0 || truncated)
        {
            o.WriteLine($"    ... and {(truncated ? "more" : more.ToString(System.Globalization.CultureInfo.InvariantCulture))} more ranges (--json lists {ranges.Count})");
        }
    }
}
