namespace SrRescue.Xen;

/// <summary>
/// What only a QCOW2 image says about its VDI: its header version and cluster size, the backing
/// file as the header names it (an LV path on XCP-ng) with its format, and XCP-ng's hidden flag as
/// stored (null when the image has no 'vate' extension) with the byte offset of that flag in the LV.
/// </summary>
public sealed record Qcow2ImageFacts(int Version, long ClusterSizeBytes, string? BackingFile, string? BackingFormat, bool? HiddenFlag, long? HiddenFlagOffset);
