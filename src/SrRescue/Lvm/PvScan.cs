namespace SrRescue.Lvm;

/// <summary>
/// What was found on one PV: its label (null when gone), the pv_header, and every metadata area.
/// Offsets are absolute in <see cref="Source"/>'s underlying device or image: the PV starts at
/// <see cref="PvOffsetBytes"/>.
/// </summary>
public sealed record PvScan(
    string Source,
    long PvOffsetBytes,
    long LengthBytes,
    long LabelOffsetBytes,
    LabelHeader? Label,
    PvHeader? Header,
    IReadOnlyList<MetadataAreaScan> MetadataAreas)
{
    /// <summary>The PV UUID from the label (dashed form), or null when the label is gone.</summary>
    public string? PvUuid => Header?.PvUuid;

    public IEnumerable<MetadataCopy> Copies => MetadataAreas.SelectMany(a => a.Copies);
}
