namespace SrRescue.Diagnostics;

/// <summary>How much a finding matters to the recovery.</summary>
public enum Severity
{
    /// <summary>A fact worth knowing that is not damage (a stale footer, an ignored mda).</summary>
    Info,

    /// <summary>Damage that was worked around; the data read is still trustworthy.</summary>
    Warning,

    /// <summary>Damage that cost data or a structure; what depends on it is incomplete.</summary>
    Error,
}
