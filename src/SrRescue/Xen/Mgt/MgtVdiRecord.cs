namespace SrRescue.Xen.Mgt;

/// <summary>
/// One VDI record found in the MGT (xenserver-lvhd.md 3.1): two sectors,
/// <c>&lt;vdi&gt;&lt;name_label&gt;…&lt;/name_label&gt;&lt;name_description&gt;…&lt;/name_description&gt;</c>
/// then one element per key and <c>&lt;/vdi&gt;</c>, in any order. Text fields are null when the
/// element is absent; <see cref="SnapshotOf"/>, <see cref="SnapshotTime"/> and
/// <see cref="MetadataOfPool"/> are also null when empty (SM writes them empty when unset).
/// Flags are null when absent or not 0/1.
/// </summary>
public sealed record MgtVdiRecord
{
    /// <summary>k for the slot at 2048 + 1024·k (the slot a misaligned record starts in); the element's ordinal in a legacy document; -1 for a stale record found after a legacy document.</summary>
    public required int SlotIndex { get; init; }

    /// <summary>Absolute byte offset of the record's first byte (its slot start, or its &lt;vdi&gt; tag in a legacy document).</summary>
    public required long OffsetBytes { get; init; }

    public required MgtRecordPlacement Placement { get; init; }

    public required string Uuid { get; init; }

    /// <summary>Found at a 512-byte boundary that is not a slot start.</summary>
    public bool IsMisaligned { get; init; }

    /// <summary>The record is not well formed; these are the fields that could still be read.</summary>
    public bool IsDamaged { get; init; }

    public string? NameLabel { get; init; }

    public string? NameDescription { get; init; }

    public bool? IsASnapshot { get; init; }

    public string? SnapshotOf { get; init; }

    /// <summary>xapi DateTime text such as <c>20240101T10:00:00Z</c>.</summary>
    public string? SnapshotTime { get; init; }

    /// <summary>xapi VDI type: user, system, suspend, crashdump, metadata, …</summary>
    public string? Type { get; init; }

    /// <summary>vhd or aio (raw); qcow2 on newer XCP-ng.</summary>
    public string? VdiType { get; init; }

    public bool? ReadOnly { get; init; }

    public bool? Managed { get; init; }

    public string? MetadataOfPool { get; init; }

    public bool? Deleted { get; init; }

    /// <summary>Every other tag (for example <c>offset</c>), by name.</summary>
    public IReadOnlyDictionary<string, string> OtherTags { get; init; } = new Dictionary<string, string>();

    /// <summary>Past the header length: SM no longer reads it.</summary>
    public bool IsStale => Placement == MgtRecordPlacement.PastLength;

    public bool IsDeleted => Deleted == true;

    /// <summary>What SM would introduce on sr-scan: read by SM and not deleted.</summary>
    public bool IsLive => (Placement is MgtRecordPlacement.InsideLength or MgtRecordPlacement.LegacyDocument) && !IsDeleted;
}
