namespace SrRescue.Cli.Reports;

/// <summary>The text of an <see cref="UndoReport"/>: one line.</summary>
internal static class UndoText
{
    public static void Write(TextWriter o, UndoReport r) => o.WriteLine($"Restored {r.RestoredRanges} range(s) of {r.Target} from {r.Journal}.");
}
