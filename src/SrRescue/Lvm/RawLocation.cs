namespace SrRescue.Lvm;

/// <summary>
/// <c>raw_locn</c> of the mda header (lvm2.md 2.2): where a metadata text copy lies, relative to
/// the mda start; its size includes the terminating NUL and its CRC covers those bytes.
/// </summary>
public readonly record struct RawLocation(long OffsetBytes, long SizeBytes, uint Checksum, uint Flags)
{
    public const int Size = 24;

    /// <summary>RAW_LOCN_IGNORED: the mda is not read or written by LVM (pvchange --metadataignore).</summary>
    public bool IsIgnored => (Flags & 1) != 0;

    public bool IsEmpty => OffsetBytes == 0;
}
