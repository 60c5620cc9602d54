using System.Buffers.Binary;
using System.Text;

namespace SrRescue.Partitions;

/// <summary>
/// A GPT partition entry (UEFI spec 2.10, 5.3.3): type and unique GUIDs in the mixed-endian
/// layout (the first three fields little-endian, which is what <c>new Guid(ReadOnlySpan&lt;byte&gt;)</c>
/// reads), first and last LBA (inclusive), attributes, and a 36-character UTF-16LE name.
/// </summary>
public readonly record struct GptEntry(int Number, Guid TypeGuid, Guid UniqueGuid, ulong FirstLba, ulong LastLba, ulong Attributes, string Name)
{
    public const int Size = 128;
    public const int NameBytes = 72;

    public static readonly Guid LinuxLvm = new("E6D6D379-F507-44C2-A23C-238F2A3DF928");

    public static class Off
    {
        public const int TypeGuid = 0;
        public const int UniqueGuid = 16;
        public const int FirstLba = 32;
        public const int LastLba = 40;
        public const int Attributes = 48;
        public const int Name = 56;
    }

    public bool IsEmpty => TypeGuid == Guid.Empty;

    public ulong SectorCount => LastLba >= FirstLba ? LastLba - FirstLba + 1 : 0;

    /// <summary>Reads entry <paramref name="number"/> (1-based) from its bytes (at least 128).</summary>
    public static GptEntry Read(ReadOnlySpan<byte> entry, int number)
    {
        var name = entry.Slice(Off.Name, NameBytes);
        var length = 0;
        while (length + 1 < name.Length && (name[length] != 0 || name[length + 1] != 0))
        {
            length += 2;
        }

        return new GptEntry(
            number,
            new Guid(entry.Slice(Off.TypeGuid, 16)),
            new Guid(entry.Slice(Off.UniqueGuid, 16)),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[Off.FirstLba..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[Off.LastLba..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[Off.Attributes..]),
            Encoding.Unicode.GetString(name[..length]));
    }

    public void Write(Span<byte> entry)
    {
        entry[..Size].Clear();
        TypeGuid.TryWriteBytes(entry.Slice(Off.TypeGuid, 16));
        UniqueGuid.TryWriteBytes(entry.Slice(Off.UniqueGuid, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(entry[Off.FirstLba..], FirstLba);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[Off.LastLba..], LastLba);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[Off.Attributes..], Attributes);
        var name = Name.Length > NameBytes / 2 ? Name[..(NameBytes / 2)] : Name;
        Encoding.Unicode.GetBytes(name, entry.Slice(Off.Name, NameBytes));
    }

    /// <summary>The names sgdisk gives the common types (its parttypes.cc), for people.</summary>
    public static string TypeName(Guid type) => type.ToString("D").ToUpperInvariant() switch
    {
        "0FC63DAF-8483-4772-8E79-3D69D8477DE4" => "Linux filesystem",
        "E6D6D379-F507-44C2-A23C-238F2A3DF928" => "Linux LVM",
        "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" => "EFI system partition",
        "21686148-6449-6E6F-744E-656564454649" => "BIOS boot partition",
        "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F" => "Linux swap",
        "A19D880F-05FC-4D3B-A006-743F0F84911E" => "Linux RAID",
        "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" => "Microsoft basic data",
        "E3C9E316-0B5C-4DB8-817D-F92DF00215AE" => "Microsoft reserved",
        "00000000-0000-0000-0000-000000000000" => "Unused entry",
        _ => "Unknown",
    };
}
