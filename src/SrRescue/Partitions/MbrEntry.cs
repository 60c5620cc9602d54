using System.Buffers.Binary;

namespace SrRescue.Partitions;

/// <summary>
/// One 16-byte partition entry of an MBR or EBR: boot flag, CHS start, type, CHS end, LBA start
/// and sector count (little-endian). CHS values are ignored: every tool since the 1990s uses LBA.
/// </summary>
internal readonly record struct MbrEntry(byte Status, byte Type, uint StartLba, uint SectorCount)
{
    public const int Size = 16;

    /// <summary>The protective entry of a GPT disk (UEFI spec 2.10, 5.2.3).</summary>
    public const byte ProtectiveType = 0xEE;

    public const byte LinuxLvmType = 0x8E;

    public static class Off
    {
        public const int Status = 0;
        public const int Type = 4;
        public const int StartLba = 8;
        public const int SectorCount = 12;
    }

    public bool IsEmpty => Type == 0 || SectorCount == 0;

    /// <summary>DOS (0x05), Windows LBA (0x0F) and Linux (0x85) extended partitions.</summary>
    public bool IsExtended => Type is 0x05 or 0x0F or 0x85;

    public static MbrEntry Read(ReadOnlySpan<byte> entry) => new(
        entry[Off.Status],
        entry[Off.Type],
        BinaryPrimitives.ReadUInt32LittleEndian(entry[Off.StartLba..]),
        BinaryPrimitives.ReadUInt32LittleEndian(entry[Off.SectorCount..]));

    public void Write(Span<byte> entry)
    {
        entry[..Size].Clear();
        entry[Off.Status] = Status;
        entry[Off.Type] = Type;
        // CHS 0xFFFFFF = "use LBA", what sgdisk and fdisk write for entries beyond 8 GiB.
        entry[1] = entry[2] = entry[3] = entry[5] = entry[6] = entry[7] = 0xFF;
        if (Type == ProtectiveType)
        {
            entry[1] = 0x00;
            entry[2] = 0x02;
            entry[3] = 0x00;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(entry[Off.StartLba..], StartLba);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[Off.SectorCount..], SectorCount);
    }
}
