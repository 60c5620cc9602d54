namespace SrRescue.Qcow2;

/// <summary>
/// The incompatible feature bits of a version 3 header (qcow2.txt, bytes 72-79). A reader that does
/// not know a set bit must not trust what it reads; qemu refuses to open such an image.
/// </summary>
[Flags]
public enum Qcow2Incompatible : ulong
{
    /// <summary>Refcounts may be stale (lazy refcounts, not closed cleanly); the data is sound.</summary>
    Dirty = 1,

    /// <summary>qemu found metadata corruption and marked the image; only reads are allowed.</summary>
    Corrupt = 2,

    /// <summary>Guest data lives in another file named by an extension, not in this one.</summary>
    ExternalDataFile = 4,

    /// <summary>The header's byte 104 names the compression of compressed clusters (0 deflate, 1 zstd).</summary>
    CompressionType = 8,

    /// <summary>L2 entries are 128 bits: the cluster entry and a bitmap of 32 subclusters.</summary>
    ExtendedL2 = 16,
}
