using System.Collections.Immutable;

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
/// A choice the allocation order made: extent Pe fitted every VHD of Options about as well and
/// went to Chosen, for the reason Why. With it, the state of the sweep just before it, from which
/// a repair sweep resumes to choose otherwise.
/// </summary>
/// <param name="DisagreementsBefore">With <paramref name="MirrorsBefore"/>, the state to resume from besides the maps (which held the extents placed before Pe).</param>
internal sealed record Decision(long Pe, IReadOnlyList<VhdStart> Options, VhdStart Chosen, string Why, int DisagreementsBefore, ImmutableDictionary<VhdStart, long> MirrorsBefore)
{
    /// <summary>The VHDs the extent could have gone to instead.</summary>
    public IEnumerable<VhdStart> Alternatives => Options.Where(o => o != Chosen);
}
