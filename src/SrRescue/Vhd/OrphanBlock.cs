namespace SrRescue.Vhd;

/// <summary>
/// A block found in the file (a sector bitmap with data after it, on the allocation grid) that no
/// BAT entry references: its entry was lost. Placed when the surviving structures name its
/// virtual position uniquely; otherwise its data is saved beside the output.
/// </summary>
public sealed record OrphanBlock
{
    /// <summary>Absolute byte offset of its bitmap sector in the damaged file (what the BAT entry would hold × 512).</summary>
    public required long BitmapOffsetBytes { get; init; }

    /// <summary>Sectors its bitmap marks present.</summary>
    public required int SectorsPresent { get; init; }

    /// <summary>Every bitmap bit is set (a full block, the only kind the batmap can mark).</summary>
    public required bool IsFull { get; init; }

    /// <summary>Bytes of its data that are in the file (less than the block size when the file is truncated).</summary>
    public required long DataBytesPresent { get; init; }

    /// <summary>Virtual block numbers it could be (at most <see cref="VhdRepairer.MaxCandidatesListed"/> listed).</summary>
    public required IReadOnlyList<int> CandidateBlocks { get; init; }

    /// <summary>How many virtual blocks it could be in all.</summary>
    public required int CandidateCount { get; init; }

    /// <summary>The block it was put back as, or null when it was not placed.</summary>
    public int? PlacedAsBlock { get; init; }

    /// <summary>Placed by inference from the write order (bitmaps that continue, neighbours in the file), not proved by a structure.</summary>
    public bool Inferred { get; init; }

    /// <summary>Why it was placed there, or why it could not be.</summary>
    public required string Evidence { get; init; }

    /// <summary>The file its data was saved to, when it was not placed and saving was asked for.</summary>
    public string? SavedAs { get; init; }
}
