namespace SrRescue.Partitions;

/// <summary>
/// A PV the proposed table must give a partition: where its label is, where it starts, its UUID
/// and the size its label claims. The label search that finds them is LVM's; this layer only places them.
/// </summary>
internal sealed record PvToPlace(long LabelOffsetBytes, long PvStartBytes, string PvUuid, long DeviceSizeBytes);
