namespace SrRescue.Carving;

/// <summary>
/// How well one physical extent fits one logical extent of a carved VHD: a score (higher is
/// better), whether a hard prediction failed (then it is no candidate), the evidence, and whether
/// the VHD's own footer closes the extent (<see cref="EndsWithFooter"/>: the strongest evidence of its last extent).
/// </summary>
internal sealed record ExtentScore(long Pe, double Score, bool Rejected, IReadOnlyList<string> Evidence, bool EndsWithFooter = false)
{
    /// <summary>True when something structural (batmap header, bitmap, footer, data agreeing with a bitmap) was seen.</summary>
    public bool HasStructure => Evidence.Count > 0 && Score > 0;

    /// <summary>This score with what the block running in from the previous extent says (nothing when no block runs in).</summary>
    public ExtentScore WithRunIn((double Score, string? Evidence) runIn) =>
        runIn.Evidence is null ? this : this with { Score = Score + runIn.Score, Evidence = [.. Evidence, runIn.Evidence] };
}
