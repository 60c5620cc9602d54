using SrRescue.Lvm.Model;

namespace SrRescue.Lvm;

/// <summary>
/// One version of a VG's metadata: a seqno and one text, found at one or more places (each mda of
/// each PV, backup files). Two different texts with the same seqno are two versions (lvm2.md 5.10).
/// </summary>
public sealed record MetadataVersion(
    long Seqno,
    string VgName,
    string VgId,
    uint Checksum,
    IReadOnlyList<MetadataCopy> Copies,
    VgMetadata? Vg,
    IReadOnlyList<LvChange> Changes)
{
    /// <summary>Every place holds a damaged (partly overwritten or cut) text.</summary>
    public bool IsDamaged => Copies.All(c => c.IsDamaged);

    /// <summary>Intact and parsed: usable for export and restore.</summary>
    public bool IsUsable => !IsDamaged && Vg is not null;

    public bool IsCommitted => Copies.Any(c => c.IsCommitted);

    /// <summary>The best place to read it from: intact first, the committed one first.</summary>
    public MetadataCopy Primary => Copies.OrderBy(c => c.IsDamaged).ThenByDescending(c => c.IsCommitted).ThenBy(c => c.Origin).First();
}
