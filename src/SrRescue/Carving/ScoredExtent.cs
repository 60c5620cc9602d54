namespace SrRescue.Carving;

/// <summary>
/// How well one physical extent fits as logical extent k of a carved VHD: what it holds by itself
/// (<see cref="Own"/>, kept per VHD, k and extent) and what the block running in from k-1 says
/// (per extent before), both values: a sweep scores hundreds of VHDs for an extent they all fit
/// and keeps one, so a score made is no object made.
/// </summary>
/// <param name="RunIn">What the block running in showed; null when none runs in, or when <see cref="Own"/> is rejected (then nothing else was looked at).</param>
internal readonly record struct ScoredExtent(ExtentScore Own, double RunInScore, ExtentEvidence.Sign? RunIn)
{
    public double Score => Own.Score + RunInScore;

    /// <summary>A hard prediction failed: no candidate.</summary>
    public bool Rejected => Own.Rejected;

    /// <summary>True when something structural (batmap header, bitmap, footer, data agreeing with a bitmap) was seen.</summary>
    public bool HasStructure => (Own.HasSigns || RunIn is not null) && Score > 0;

    /// <summary>The VHD's own footer closes the extent (the strongest evidence of its last extent).</summary>
    public bool EndsWithFooter => Own.EndsWithFooter;

    /// <summary>The extent's own structure and the block running in (<see cref="ExtentScorer.RunIn"/>); a rejected structure alone.</summary>
    public static ScoredExtent Of(ExtentScore own, (double Score, ExtentEvidence.Sign? Sign) runIn) =>
        own.Rejected || runIn.Sign is null ? new(own, 0, null) : new(own, runIn.Score, runIn.Sign);
}
