namespace SrRescue.Lvm;

/// <summary>Where a metadata copy was found.</summary>
public enum CopyOrigin
{
    /// <summary>In the circular text buffer of a metadata area on a PV.</summary>
    Ring,

    /// <summary>In an /etc/lvm/backup or /etc/lvm/archive file given with --lvm-backup.</summary>
    BackupFile,
}

/// <summary>
/// One copy of the VG metadata text found on disk (or in a backup file): its place, its identity
/// (VG name, VG id, seqno) read from its first three lines, and what the scan could tell about
/// its integrity. <see cref="Text"/> is the text without the terminating NUL.
/// </summary>
public sealed record MetadataCopy
{
    public required CopyOrigin Origin { get; init; }

    /// <summary>The device or image (or backup file) it was read from.</summary>
    public required string Source { get; init; }

    /// <summary>Absolute byte offset of the copy's first byte in <see cref="Source"/>.</summary>
    public required long OffsetBytes { get; init; }

    /// <summary>Offset relative to the metadata area start (what raw_locn stores); 0 for files.</summary>
    public long RelativeOffsetBytes { get; init; }

    /// <summary>Absolute byte offset of the metadata area header; -1 for files.</summary>
    public long MdaStartBytes { get; init; } = -1;

    /// <summary>1 for the area at the start of the PV, 2 for the one at its end; 0 for files.</summary>
    public int MdaNumber { get; init; }

    /// <summary>Bytes including the terminating NUL (as raw_locn.size counts them).</summary>
    public required long SizeBytes { get; init; }

    /// <summary>LVM's CRC over the <see cref="SizeBytes"/> bytes.</summary>
    public required uint Checksum { get; init; }

    public required string VgName { get; init; }

    public required string VgId { get; init; }

    public required long Seqno { get; init; }

    /// <summary>The copy runs past the end of the metadata area and continues after its header.</summary>
    public bool Wraps { get; init; }

    /// <summary>Slot 0 of the mda header points at this copy: the committed metadata.</summary>
    public bool IsCommitted { get; init; }

    /// <summary>Slot 1 points at it: written by a command that died before committing.</summary>
    public bool IsPrecommitted { get; init; }

    /// <summary>
    /// For copies a slot points at: whether the slot's stored CRC matches the text. Null for
    /// historical copies, which have no stored checksum.
    /// </summary>
    public bool? SlotChecksumMatches { get; init; }

    /// <summary>Null when the copy looks intact; otherwise why it is not (partly overwritten, cut, unparsable).</summary>
    public string? Damage { get; init; }

    public bool IsDamaged => Damage is not null;

    /// <summary>
    /// The one notion of a damaged copy that scan, history and the doctor report: unreadable or
    /// cut (<see cref="Damage"/>), or pointed at by a slot whose stored CRC does not match the text
    /// (lvm2 refuses such a copy with "checksum mismatch"). A copy with only a CRC mismatch is
    /// still read, as the best text there is, but never reported as intact.
    /// </summary>
    public bool HasDamage => IsDamaged || SlotChecksumMatches == false;

    /// <summary>Why <see cref="HasDamage"/> is true, in words; null when it is not.</summary>
    public string? DamageText => Damage ?? (SlotChecksumMatches == false ? "the CRC stored in the mda header slot does not match the text" : null);

    /// <summary>
    /// The text as found, in its bytes, without the NUL (for damaged copies: as far as it could be
    /// read). A copy in a ring is a slice of the area read once: a full ring's copies are not
    /// held a second time as strings.
    /// </summary>
    public required ReadOnlyMemory<byte> Utf8 { get; init; }

    /// <summary><see cref="Utf8"/> decoded (each time it is asked: it is wanted rarely, to show it).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Utf8.Span);
}
