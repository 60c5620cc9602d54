namespace SrRescue.Lvm;

/// <summary>
/// <c>disk_locn</c> of the pv_header (lvm2.md 1.4): an area of the PV, both values in bytes from
/// the PV start. For the data area a size of 0 means "to the end of the device".
/// </summary>
public readonly record struct DiskLocation(long OffsetBytes, long SizeBytes)
{
    public const int Size = 16;
}
