namespace SrRescue.Lvm;

/// <summary>One metadata area of a PV: where it is, its header (null when unreadable) and the copies its ring holds.</summary>
public sealed record MetadataAreaScan(
    int Number,
    long StartBytes,
    long SizeBytes,
    MdaHeader? Header,
    bool FromDefaults,
    IReadOnlyList<MetadataCopy> Copies);
