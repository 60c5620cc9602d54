namespace SrRescue.Vhd;

/// <summary>What <see cref="DynamicVhdWriter"/> wrote.</summary>
/// <param name="VirtualSizeBytes">The footer's current size: the disk's length rounded up to a sector.</param>
/// <param name="BlockCount">The 2 MiB blocks the disk spans.</param>
/// <param name="BlocksWritten">Blocks allocated: those holding a non-zero byte.</param>
/// <param name="DataBytes">Data bytes in the allocated blocks (BlocksWritten × 2 MiB).</param>
/// <param name="FileSizeBytes">The length of the VHD file.</param>
public sealed record DynamicVhdWriteResult(Guid Uuid, long VirtualSizeBytes, int BlockCount, int BlocksWritten, long DataBytes, long FileSizeBytes);
