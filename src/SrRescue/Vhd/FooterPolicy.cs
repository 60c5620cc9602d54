namespace SrRescue.Vhd;

/// <summary>
/// Which footer states are normal where a VHD lives. A plain file ends in its footer and keeps the
/// copy at offset 0 equal to it (vhd.md 1.2); a container with other habits (an LVHD LV, which the
/// Xen layer describes) says so here, so that the reader and the checker need not know it.
/// </summary>
public sealed record FooterPolicy
{
    /// <summary>A VHD file: every footer oddity is damage.</summary>
    public static FooterPolicy File { get; } = new();

    /// <summary>A killed (0xC7) primary footer, with a good copy at offset 0, is information, not damage.</summary>
    public bool KilledPrimaryIsNormal { get; init; }

    /// <summary>The copy at offset 0 may differ from the footer at the end (information, not an error).</summary>
    public bool CopiesMayDiffer { get; init; }

    /// <summary>The footer may sit right after the VHD's data instead of in the last sector (the volume is larger than the VHD).</summary>
    public bool FooterMayFollowData { get; init; }
}
