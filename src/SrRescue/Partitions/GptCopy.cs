namespace SrRescue.Partitions;

/// <summary>One of the two GPT copies as found: its header, its entry array, and whether both are intact.</summary>
public sealed record GptCopy(string Which, long HeaderOffsetBytes, GptHeader Header, bool EntriesCrcMatches, uint ComputedEntriesCrc, IReadOnlyList<GptEntry> Entries, byte[] RawEntries)
{
    public bool IsValid => Header.CrcMatches && EntriesCrcMatches && Problems.Count == 0;

    /// <summary>Structural problems found besides the checksums (wrong my_lba, entries out of range).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
