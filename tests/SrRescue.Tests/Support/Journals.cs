namespace SrRescue.Tests.Support;

/// <summary>Undo journals as an --in-place write leaves them, for the tests of undo.</summary>
internal static class Journals
{
    /// <summary>Writes the proposed partition table onto a private copy of the scenario's image; returns the journal of that write.</summary>
    public static string OfPartitionsInPlace(string scenario)
    {
        var copy = Fixtures.CopyOfImage(scenario);
        var journal = Path.Combine(Path.GetDirectoryName(copy)!, "table.undo");
        var r = Cli.Run("partitions", copy, "--find", "--in-place", "--journal", journal);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        return journal;
    }
}
