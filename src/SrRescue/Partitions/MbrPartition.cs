namespace SrRescue.Partitions;

/// <summary>A partition of an MBR disk as fdisk numbers it: 1-4 primary, 5 and up logical (in chain order).</summary>
public sealed record MbrPartition(int Number, byte Type, long StartLba, long SectorCount, bool Bootable, bool IsExtended, long EntryOffsetBytes)
{
    public long LastLba => StartLba + SectorCount - 1;
}
