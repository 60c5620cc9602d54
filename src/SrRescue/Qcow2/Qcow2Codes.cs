namespace SrRescue.Qcow2;

/// <summary>The QCOW2 finding codes.</summary>
public static class Qcow2Codes
{
    public const string HeaderTruncated = "qcow2.header.truncated";
    public const string HeaderMagic = "qcow2.header.magic";
    public const string HeaderVersion = "qcow2.header.version";
    public const string HeaderLength = "qcow2.header.length";
    public const string ClusterBits = "qcow2.header.cluster-bits";
    public const string SizeImplausible = "qcow2.header.size-implausible";
    public const string Encrypted = "qcow2.header.encrypted";
    public const string UnknownFeatures = "qcow2.header.unknown-features";
    public const string ExternalData = "qcow2.header.external-data";
    public const string Dirty = "qcow2.header.dirty";
    public const string MarkedCorrupt = "qcow2.header.corrupt";
    public const string CompressionType = "qcow2.header.compression-type";
    public const string RefcountOrder = "qcow2.header.refcount-order";
    public const string ExtensionUnterminated = "qcow2.extension.unterminated";
    public const string ExtensionBounds = "qcow2.extension.bounds";
    public const string BackingName = "qcow2.backing.name";
    public const string L1Bounds = "qcow2.l1.bounds";
    public const string L1TooSmall = "qcow2.l1.too-small";
    public const string L1Entry = "qcow2.l1.entry";
    public const string L2Bounds = "qcow2.l2.bounds";
    public const string L2Entry = "qcow2.l2.entry";
    public const string DataBeyondEnd = "qcow2.data.beyond-end";
    public const string CompressedUnreadable = "qcow2.compressed.unreadable";

    /// <summary>Every finding about the backing chain starts with this.</summary>
    public const string ChainPrefix = "qcow2.chain.";

    public const string ChainBackingMissing = ChainPrefix + "backing-missing";
    public const string ChainLoop = ChainPrefix + "loop";
    public const string ChainTooDeep = ChainPrefix + "too-deep";
    public const string ChainBackingFound = ChainPrefix + "backing-found";

    /// <summary>Every finding of <see cref="Qcow2Checker"/> about refcounts and references starts with this.</summary>
    public const string CheckPrefix = "qcow2.check.";

    /// <summary>A cluster's stored refcount is above the references found ("Leaked cluster" in qemu-img check).</summary>
    public const string RefcountLeak = CheckPrefix + "refcount-leak";

    /// <summary>A cluster's stored refcount is below the references found ("ERROR cluster N refcount=X reference=Y").</summary>
    public const string RefcountTooLow = CheckPrefix + "refcount-too-low";

    /// <summary>More references to a cluster than the refcount width can count.</summary>
    public const string RefcountOverflow = CheckPrefix + "refcount-overflow";

    /// <summary>A refcount cannot be read (its refcount block is not cluster aligned, or past 2^63 - 2^30 where qemu cannot read): a check error in qemu.</summary>
    public const string RefcountUnreadable = CheckPrefix + "refcount-unreadable";

    /// <summary>A refcount table entry with reserved bits set.</summary>
    public const string RefcountTableReserved = CheckPrefix + "reftable-reserved-bits";

    /// <summary>A refcount table entry that is not cluster aligned.</summary>
    public const string RefcountBlockUnaligned = CheckPrefix + "refblock-unaligned";

    /// <summary>A refcount table entry that points past the end of the file.</summary>
    public const string RefcountBlockOutside = CheckPrefix + "refblock-outside";

    /// <summary>A refcount block whose own cluster is referenced other than once.</summary>
    public const string RefcountBlockShared = CheckPrefix + "refblock-refcount";

    /// <summary>The refcount table cannot be used (offset, size or refcount width out of qemu's bounds).</summary>
    public const string RefcountTableBounds = CheckPrefix + "reftable-bounds";

    /// <summary>A structure referenced one cluster or more past the end of the file.</summary>
    public const string BeyondEnd = CheckPrefix + "beyond-end";

    /// <summary>An L1 entry with reserved bits set.</summary>
    public const string L1Reserved = CheckPrefix + "l1-reserved-bits";

    /// <summary>An L1 entry whose L2 table offset is not cluster aligned.</summary>
    public const string L1Unaligned = CheckPrefix + "l1-unaligned";

    /// <summary>An L2 entry with reserved bits set.</summary>
    public const string L2Reserved = CheckPrefix + "l2-reserved-bits";

    /// <summary>An L2 entry whose host cluster offset is not cluster aligned.</summary>
    public const string L2Unaligned = CheckPrefix + "l2-unaligned";

    /// <summary>An extended L2 entry whose subcluster bitmap is impossible (a subcluster both allocated and zero, alloc bits without a host cluster, any bit on a compressed cluster).</summary>
    public const string SubclusterBitmap = CheckPrefix + "subcluster-bitmap";

    /// <summary>A compressed cluster descriptor with the copied flag set.</summary>
    public const string CompressedCopied = CheckPrefix + "compressed-copied";

    /// <summary>The copied flag of an L1 entry disagrees with its L2 table's refcount ("OFLAG_COPIED L2 cluster").</summary>
    public const string CopiedL2 = CheckPrefix + "copied-l2";

    /// <summary>The copied flag of an L2 entry disagrees with its data cluster's refcount ("OFLAG_COPIED data cluster").</summary>
    public const string CopiedData = CheckPrefix + "copied-data";

    /// <summary>Two different structures (or metadata and guest data) in one host cluster.</summary>
    public const string Overlap = CheckPrefix + "overlap";

    /// <summary>A compressed cluster or snapshot in an image whose data lives in an external file.</summary>
    public const string ExternalDataConflict = CheckPrefix + "external-data-conflict";

    /// <summary>The snapshot table cannot be read (too many snapshots, an unaligned offset, an entry too big); its snapshots are not counted.</summary>
    public const string SnapshotTable = CheckPrefix + "snapshot-table";

    /// <summary>A version 3 snapshot entry with less than the 16 bytes of extra data the format requires.</summary>
    public const string SnapshotIncomplete = CheckPrefix + "snapshot-incomplete";

    /// <summary>A snapshot whose L1 table is unaligned or larger than qemu allows; it is not walked.</summary>
    public const string SnapshotL1 = CheckPrefix + "snapshot-l1";

    /// <summary>The bitmaps extension or a bitmap directory entry cannot be used.</summary>
    public const string BitmapDirectory = CheckPrefix + "bitmap-directory";

    /// <summary>A bitmap table entry with reserved bits or an unaligned offset.</summary>
    public const string BitmapTableEntry = CheckPrefix + "bitmap-table-entry";

    /// <summary>The image has more host clusters than the checker counts; refcounts past the limit are not compared.</summary>
    public const string TooLarge = CheckPrefix + "too-large";

    /// <summary>What the check did not look at, or why a finding is expected (the dirty bit).</summary>
    public const string CheckNote = CheckPrefix + "note";
}
