namespace SrRescue.Xen;

/// <summary>
/// What the image inside one VDI's LV says about the VDI and its chain, for a VHD and a QCOW2 VDI
/// alike: the facts scan shows, list takes its size, parent and hidden flag from, and the doctor
/// reads a damaged VDI by. What only one format has is in <see cref="Vhd"/> or <see cref="Qcow2"/>.
/// </summary>
/// <param name="Kind"><see cref="LvKind.VhdVdi"/> or <see cref="LvKind.Qcow2Vdi"/>.</param>
/// <param name="Hidden">XenServer's hidden flag: the VHD footer's, or the QCOW2 header's 'vate' extension (false when the image has none).</param>
/// <param name="ParentLv">The LV the image names as its parent (VHD) or backing file (QCOW2); for a QCOW2 image also when that LV is not found.</param>
/// <param name="ChainDepth">The images of the chain, this one first: VHDs (vhd-util's depth); for QCOW2 every backing file, a raw one too (qemu-img info --backing-chain).</param>
/// <param name="Problems">This VDI's own image's problems and those of its chain, as text with their codes.</param>
public sealed record ImageFacts(
    string LvName,
    LvKind Kind,
    long VirtualSizeBytes,
    bool Hidden,
    string? ParentLv,
    int ChainDepth,
    bool ChainComplete,
    int ErrorCount,
    int WarningCount,
    IReadOnlyList<string> Problems)
{
    /// <summary>False when not even the image's header could be read: then only the problems say anything.</summary>
    public bool Readable { get; init; } = true;

    /// <summary>The VHD's own facts; null for a QCOW2 image.</summary>
    public VhdImageFacts? Vhd { get; init; }

    /// <summary>The QCOW2 image's own facts; null for a VHD.</summary>
    public Qcow2ImageFacts? Qcow2 { get; init; }
}
