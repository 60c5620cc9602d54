namespace SrRescue.Cli.Reports;

/// <summary>`undo`: the disk the journal's old bytes were put back on, and how many ranges.</summary>
internal sealed record UndoReport(string Schema, string Journal, string Target, int RestoredRanges)
{
    public static UndoReport Of(string journal, string target, int ranges) => new("srrescue.undo/1", journal, target, ranges);
}
