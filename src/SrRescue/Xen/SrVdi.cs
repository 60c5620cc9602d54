namespace SrRescue.Xen;

/// <summary>
/// One VDI of an SR as every source tells it: the LV (newest or older metadata), the VHD or QCOW2
/// image inside it, and the MGT record with its names and snapshot links.
/// </summary>
public sealed record SrVdi
{
    public required string Uuid { get; init; }

    /// <summary>VHD-, LV- or QCOW2-&lt;uuid&gt;; null when no metadata copy has the LV.</summary>
    public string? LvName { get; init; }

    /// <summary>VHD, raw or QCOW2 (from the LV name, else from MGT's vdi_type); <see cref="LvKind.Other"/> when neither says.</summary>
    public required LvKind Kind { get; init; }

    /// <summary>The kind as the reports name it: vhd, raw, qcow2, unknown.</summary>
    public string KindName => Kind is LvKind.Other ? "unknown" : Xen.LvName.IdOf(Kind);

    public required VdiState State { get; init; }

    /// <summary>The seqno of the metadata copy the LV is read through; null when none has it.</summary>
    public long? Seqno { get; init; }

    public long? LvSizeBytes { get; init; }

    public long? VirtualSizeBytes { get; init; }

    public string? ParentUuid { get; init; }

    public bool Hidden { get; init; }

    /// <summary>What the VHD or QCOW2 image in the LV says; null for a raw VDI, or when no image header could be read.</summary>
    public ImageFacts? Image { get; init; }

    public string? NameLabel { get; init; }

    public string? NameDescription { get; init; }

    public bool? IsASnapshot { get; init; }

    public string? SnapshotOf { get; init; }

    public string? SnapshotTime { get; init; }

    public bool? ReadOnly { get; init; }

    public string? Type { get; init; }

    /// <summary>live, deleted, stale (past the MGT length) or none.</summary>
    public required string MgtRecord { get; init; }

    /// <summary>For deleted VDIs: the LVs that now own some of its extents.</summary>
    public IReadOnlyList<string> OverwrittenBy { get; init; } = [];
}
