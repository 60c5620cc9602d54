namespace SrRescue.Lvm;

/// <summary>An LVM PV found by its label somewhere on a disk: where it starts and how large its label says it is.</summary>
public sealed record FoundPv(long LabelOffsetBytes, long PvStartBytes, string PvUuid, long DeviceSizeBytes, bool CrcMatches);
