using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>What <see cref="VhdChecker"/> should check beyond the structures themselves.</summary>
public sealed record VhdCheckOptions
{
    /// <summary>Which footer states are normal where the VHD lives (an LVHD LV's are the Xen layer's <c>LvhdFooters.OnLv</c>).</summary>
    public FooterPolicy Footers { get; init; } = FooterPolicy.File;

    /// <summary>vhd-util check -b: read every allocated block and look for data in sectors whose bitmap bit is clear. Reads the whole image.</summary>
    public bool CheckBitmaps { get; init; }

    /// <summary>Finds the parent of a differencing disk; null skips the parent checks.</summary>
    public IVhdParentResolver? ParentResolver { get; init; }

    /// <summary>"Now" for the timestamps-in-the-future rules; null means the clock.</summary>
    public DateTime? NowUtc { get; init; }

    /// <summary>Progress of the bitmap check (the only long part).</summary>
    public IProgress<WorkProgress>? Progress { get; init; }
}
