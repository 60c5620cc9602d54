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
}
