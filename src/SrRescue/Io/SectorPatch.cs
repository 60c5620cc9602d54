namespace SrRescue.Io;

/// <summary>Bytes to put at an absolute offset of a disk: one piece of a partition table to write back.</summary>
public sealed record SectorPatch(long OffsetBytes, byte[] Bytes, string What);
