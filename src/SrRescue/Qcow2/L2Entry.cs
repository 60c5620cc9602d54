namespace SrRescue.Qcow2;

/// <summary>
/// One L2 table entry (qcow2.txt, "Cluster mapping"): bit 63 "copied" (refcount 1), bit 62
/// compressed, then a descriptor. A standard descriptor holds the host cluster offset in bits 9-55
/// and, without extended L2, "reads as zeros" in bit 0. A compressed one holds the host byte offset
/// in its low x = 62 - (cluster_bits - 8) bits and the count of further 512-byte sectors above.
/// With extended L2 a 64-bit bitmap follows: bit i says subcluster i is allocated here, bit 32 + i
/// that it reads as zeros; neither means it reads from the backing file.
/// </summary>
internal readonly record struct L2Entry(ulong Value, ulong Bitmap, byte ClusterBits, bool Extended)
{
    public const ulong OffsetMask = 0x00FF_FFFF_FFFF_FE00;
    public const ulong CopiedFlag = 1UL << 63;
    public const ulong CompressedFlag = 1UL << 62;
    public const ulong ZeroFlag = 1;

    /// <summary>Subclusters of one cluster with extended L2.</summary>
    public const int Subclusters = 32;

    public bool IsCompressed => (Value & CompressedFlag) != 0;

    /// <summary>The host offset of a standard cluster (0 when none).</summary>
    public long HostOffset => IsCompressed ? 0 : (long)(Value & OffsetMask);

    public Qcow2ClusterKind Kind
    {
        get
        {
            if (IsCompressed)
            {
                return Qcow2ClusterKind.Compressed;
            }

            if (Extended)
            {
                var alloc = (uint)Bitmap;
                var zero = (uint)(Bitmap >> 32);
                return alloc != 0 ? Qcow2ClusterKind.Data
                    : zero == uint.MaxValue ? Qcow2ClusterKind.Zero
                    : Qcow2ClusterKind.Backing;
            }

            return (Value & ZeroFlag) != 0 ? Qcow2ClusterKind.Zero
                : HostOffset != 0 ? Qcow2ClusterKind.Data
                : Qcow2ClusterKind.Backing;
        }
    }

    private int OffsetBits => 62 - (ClusterBits - 8);

    /// <summary>Where a compressed cluster's bytes start in the file.</summary>
    public long CompressedOffset => (long)(Value & ((1UL << OffsetBits) - 1));

    /// <summary>How many bytes the compressed cluster may occupy: up to the end of its last sector.</summary>
    public long CompressedBytes
    {
        get
        {
            var sectors = (long)((Value >> OffsetBits) & ((1UL << (ClusterBits - 8)) - 1));
            return ((sectors + 1) * 512) - (CompressedOffset & 511);
        }
    }

    /// <summary>What subcluster <paramref name="index"/> of an extended-L2 cluster holds.</summary>
    public Qcow2ClusterKind SubclusterKind(int index) =>
        ((Bitmap >> index) & 1) != 0 ? Qcow2ClusterKind.Data
        : ((Bitmap >> (32 + index)) & 1) != 0 ? Qcow2ClusterKind.Zero
        : Qcow2ClusterKind.Backing;
}
