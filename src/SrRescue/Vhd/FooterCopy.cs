namespace SrRescue.Vhd;

/// <summary>Which of a VHD's two footer copies a reader went by (vhd.md 1.3).</summary>
public enum FooterCopy
{
    /// <summary>Neither copy could be read.</summary>
    None,

    /// <summary>The footer at the end of the file.</summary>
    Primary,

    /// <summary>The copy at offset 0 of a dynamic or differencing VHD.</summary>
    CopyAtOffset0,
}
