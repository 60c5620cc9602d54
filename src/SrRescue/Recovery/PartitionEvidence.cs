using SrRescue.Io;

namespace SrRescue.Recovery;

/// <summary>
/// Whether a disk still carries a partition table: the MBR boot signature in sector 0, a GPT
/// header ("EFI PART") in sector 1 or in the last sector. Just enough for the doctor to tell a
/// lost table (fault F1); the Partitions layer reads tables properly.
/// </summary>
internal static class PartitionEvidence
{
    public static (bool Mbr, bool PrimaryGpt, bool BackupGpt) Read(IByteSource disk)
    {
        var s0 = disk.ReadBytes(0, 512);
        var mbr = s0.Length == 512 && s0[510] == 0x55 && s0[511] == 0xAA;
        var primary = disk.ReadBytes(512, 8).AsSpan().SequenceEqual("EFI PART"u8);
        var backup = disk.Length >= 1024 && disk.ReadBytes(disk.Length - 512, 8).AsSpan().SequenceEqual("EFI PART"u8);
        return (mbr, primary, backup);
    }
}
