namespace SrRescue.Carving;

/// <summary>
/// Where one sweep left the maps: every VHD's extents placed in order, the choices the allocation
/// order made between rivals, the choices the sweep was forced to make, the extents its maps took
/// (<see cref="Claimed"/>; not those claimed before any sweep), and how good the maps are. <see cref="Penalty"/> counts extents left missing (10 each) and VHDs
/// whose data does not end with their footer (1 each); <see cref="Disagreements"/>, the sectors
/// of guessed extents that contradict the bitmap of the block running into them.
/// </summary>
internal sealed record SweepResult(IReadOnlyDictionary<VhdStart, IReadOnlyList<CarvedExtent>> Maps, IReadOnlyList<Decision> Decisions,
    ForcedChoices Forced, IReadOnlySet<long> Claimed, int Penalty, int Disagreements)
{
    /// <summary>The order maps are tried in: fewer missing extents and footers first, then fewer disagreeing sectors.</summary>
    public (int Penalty, int Disagreements) Rank => (Penalty, Disagreements);

    /// <summary>Nothing missing and nothing contradicted: no revision can do better.</summary>
    public bool IsFaultless => Penalty == 0 && Disagreements == 0;

    public bool IsBetterThan(SweepResult other) =>
        Penalty < other.Penalty || (Penalty == other.Penalty && Disagreements < other.Disagreements);
}

/// <summary>
/// A choice the allocation order made: extent Pe fitted the VHDs numbered <paramref name="Options"/>
/// in <paramref name="Starts"/> (the sweep's list, shared) about as well and went to Chosen, for the
/// reason Why. The rivals are kept as numbers, not as a list of VHDs nor as the text the carve
/// reports them with (<see cref="ExtentMapBuilder"/> words them for the best maps only): with
/// hundreds of VHDs, each of a thousand choices of each sweep the repair search keeps lists
/// hundreds of rivals.
/// </summary>
/// <param name="DisagreementsBefore">The sectors counted against the maps before Pe: with the maps (which held the extents placed before Pe), the state a repair sweep resumes from (<see cref="ExtentSweep"/> replays the rest).</param>
internal sealed record Decision(long Pe, VhdNumberSet Options, VhdStart Chosen, string Why, int DisagreementsBefore, IReadOnlyList<VhdStart> Starts)
{
    /// <summary>About what the choice takes in memory: the object, its set's, and the set's numbers.</summary>
    public int EstimatedBytes => 96 + Options.PayloadBytes;

    /// <summary>The VHDs the extent fitted about as well, in the order of the starts.</summary>
    public IEnumerable<VhdStart> OptionVhds => Options.Select(n => Starts[n]);

    /// <summary>The VHDs the extent could have gone to instead.</summary>
    public IEnumerable<VhdStart> Alternatives => OptionVhds.Where(o => o != Chosen);
}
