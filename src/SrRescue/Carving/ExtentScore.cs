namespace SrRescue.Carving;

/// <summary>
/// How well one physical extent fits one logical extent of a carved VHD: a score (higher is
/// better), whether a hard prediction failed (then it is no candidate), and the evidence.
/// </summary>
public sealed record ExtentScore(long Pe, double Score, bool Rejected, IReadOnlyList<string> Evidence)
{
    /// <summary>True when something structural (batmap header, bitmap, footer, data agreeing with a bitmap) was seen.</summary>
    public bool HasStructure => Evidence.Count > 0 && Score > 0;
}
