namespace SrRescue.Carving;

/// <summary>
/// What one physical extent holds by itself as one logical extent of a carved VHD, whatever extent
/// came before it: a score (higher is better), whether a hard prediction failed (then it is no
/// candidate), the evidence, and whether the VHD's own footer closes the extent
/// (<see cref="EndsWithFooter"/>). <see cref="ScoredExtent"/> adds the block running in.
/// </summary>
internal sealed record ExtentScore(long Pe, double Score, bool Rejected, ExtentEvidence Evidence, bool EndsWithFooter = false);
