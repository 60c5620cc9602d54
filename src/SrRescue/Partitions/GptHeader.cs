using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Partitions;

/// <summary>
/// A GPT header (UEFI spec 2.10, 5.3.2), at LBA 1 (primary) or the last LBA (backup). The CRC32
/// covers HeaderSize bytes with the CRC field zeroed; HeaderSize may exceed 92 (the rest of the
/// header is reserved and still covered) but not the sector.
/// </summary>
public readonly record struct GptHeader(
    uint Revision,
    uint HeaderSize,
    uint StoredCrc,
    uint ComputedCrc,
    ulong MyLba,
    ulong AlternateLba,
    ulong FirstUsableLba,
    ulong LastUsableLba,
    Guid DiskGuid,
    ulong EntriesLba,
    uint EntryCount,
    uint EntrySize,
    uint EntriesCrc)
{
    public const int Size = 92;
    public const uint Revision10 = 0x00010000;

    public static ReadOnlySpan<byte> Signature => "EFI PART"u8;

    public static class Off
    {
        public const int Signature = 0;
        public const int Revision = 8;
        public const int HeaderSize = 12;
        public const int HeaderCrc = 16;
        public const int Reserved = 20;
        public const int MyLba = 24;
        public const int AlternateLba = 32;
        public const int FirstUsableLba = 40;
        public const int LastUsableLba = 48;
        public const int DiskGuid = 56;
        public const int EntriesLba = 72;
        public const int EntryCount = 80;
        public const int EntrySize = 84;
        public const int EntriesCrc = 88;
    }

    public bool CrcMatches => StoredCrc == ComputedCrc;

    public static bool HasSignature(ReadOnlySpan<byte> sector) => sector.Length >= 8 && sector[..8].SequenceEqual(Signature);

    /// <summary>Reads a header from its sector; false with a finding when it has no signature or a header size that cannot be.</summary>
    public static bool TryRead(ReadOnlySpan<byte> sector, long at, FindingLog log, string structure, out GptHeader header)
    {
        ArgumentNullException.ThrowIfNull(log);
        header = default;
        if (!HasSignature(sector) || sector.Length < Size)
        {
            log.Add(Severity.Warning, "partitions.gpt.no-header", structure, at, $"no GPT header (\"EFI PART\") in the {structure} sector");
            return false;
        }

        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.HeaderSize..]);
        if (headerSize < Size || headerSize > sector.Length)
        {
            log.Add(Severity.Error, "partitions.gpt.header-size", structure, at + Off.HeaderSize, "the GPT header size is outside 92 bytes .. the sector size",
                stored: $"{headerSize}", computed: $"92..{sector.Length}");
            return false;
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.HeaderCrc..]);
        var computed = ComputeCrc(sector[..(int)headerSize]);
        header = new GptHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.Revision..]),
            headerSize,
            stored,
            computed,
            BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.MyLba..]),
            BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.AlternateLba..]),
            BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.FirstUsableLba..]),
            BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.LastUsableLba..]),
            new Guid(sector.Slice(Off.DiskGuid, 16)),
            BinaryPrimitives.ReadUInt64LittleEndian(sector[Off.EntriesLba..]),
            BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.EntryCount..]),
            BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.EntrySize..]),
            BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.EntriesCrc..]));
        if (!header.CrcMatches)
        {
            log.Add(Severity.Error, "partitions.gpt.header-crc", structure, at + Off.HeaderCrc, $"the {structure} header checksum is wrong",
                stored: $"{stored:x8}", computed: $"{computed:x8}");
        }

        return true;
    }

    /// <summary>The header CRC: over the header bytes with the CRC field taken as zero.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> header)
    {
        var crc = Crc32.Append(0, header[..Off.HeaderCrc]);
        crc = Crc32.Append(crc, [0, 0, 0, 0]);
        return Crc32.Append(crc, header[(Off.HeaderCrc + 4)..]);
    }

    /// <summary>Writes a 92-byte header (the rest of the sector zero) with its CRC.</summary>
    public static void Write(Span<byte> sector, ulong myLba, ulong alternateLba, ulong firstUsable, ulong lastUsable, Guid diskGuid,
        ulong entriesLba, uint entryCount, uint entrySize, uint entriesCrc)
    {
        sector.Clear();
        Signature.CopyTo(sector);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[Off.Revision..], Revision10);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[Off.HeaderSize..], Size);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[Off.MyLba..], myLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[Off.AlternateLba..], alternateLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[Off.FirstUsableLba..], firstUsable);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[Off.LastUsableLba..], lastUsable);
        diskGuid.TryWriteBytes(sector.Slice(Off.DiskGuid, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(sector[Off.EntriesLba..], entriesLba);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[Off.EntryCount..], entryCount);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[Off.EntrySize..], entrySize);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[Off.EntriesCrc..], entriesCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[Off.HeaderCrc..], ComputeCrc(sector[..Size]));
    }
}
