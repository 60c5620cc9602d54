using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>How <see cref="VhdRepairer"/> treats its source and where it saves what it cannot place.</summary>
public sealed record VhdRepairOptions
{
    /// <summary>Which footer states are normal where the source lives (a 0xC7 primary footer is on an LVHD LV, vhd.md 1.3).</summary>
    public FooterPolicy Footers { get; init; } = FooterPolicy.File;

    /// <summary>
    /// Orphaned blocks whose place cannot be determined are saved as
    /// <c>PREFIX.orphan-&lt;bitmap offset&gt;.bin</c> (their data, as found); null saves nothing.
    /// </summary>
    public string? OrphanPathPrefix { get; init; }

    /// <summary>Overwrite existing orphan files instead of refusing.</summary>
    public bool Overwrite { get; init; }

    public IProgress<WorkProgress>? Progress { get; init; }
}
