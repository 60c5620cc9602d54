using SrRescue.Diagnostics;

namespace SrRescue.Partitions;

/// <summary>
/// Sector 0 of an MBR disk, or an EBR of a logical-partition chain: 446 bytes of boot code (the
/// disk signature at 440 in an MBR), four entries at 446, and the 0x55 0xAA signature at 510.
/// </summary>
internal readonly record struct MbrSector(uint DiskSignature, MbrEntry E0, MbrEntry E1, MbrEntry E2, MbrEntry E3)
{
    public const int Size = 512;

    public static class Off
    {
        public const int DiskSignature = 440;
        public const int Entries = 446;
        public const int BootSignature = 510;
    }

    public MbrEntry this[int i] => i switch { 0 => E0, 1 => E1, 2 => E2, 3 => E3, _ => throw new ArgumentOutOfRangeException(nameof(i)) };

    public IEnumerable<MbrEntry> Entries => [E0, E1, E2, E3];

    /// <summary>Reads a sector; false (with a finding only when <paramref name="expected"/>) when the 0x55AA signature is missing.</summary>
    public static bool TryRead(ReadOnlySpan<byte> sector, long at, FindingLog log, string structure, bool expected, out MbrSector value)
    {
        value = default;
        if (sector.Length < Size)
        {
            if (expected)
            {
                log.Add(Severity.Warning, "partitions.mbr.truncated", structure, at, $"the {structure} lies beyond the end of the disk");
            }

            return false;
        }

        if (sector[Off.BootSignature] != 0x55 || sector[Off.BootSignature + 1] != 0xAA)
        {
            if (expected)
            {
                log.Add(Severity.Warning, "partitions.mbr.signature", structure, at + Off.BootSignature, $"the {structure} has no boot signature",
                    stored: $"{sector[Off.BootSignature]:x2}{sector[Off.BootSignature + 1]:x2}", computed: "55aa");
            }

            return false;
        }

        var entries = sector.Slice(Off.Entries, 4 * MbrEntry.Size);
        value = new MbrSector(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sector[Off.DiskSignature..]),
            MbrEntry.Read(entries[..16]), MbrEntry.Read(entries[16..32]), MbrEntry.Read(entries[32..48]), MbrEntry.Read(entries[48..64]));
        return true;
    }
}
