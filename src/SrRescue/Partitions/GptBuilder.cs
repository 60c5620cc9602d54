using SrRescue.Io;

namespace SrRescue.Partitions;

/// <summary>
/// Lays out a complete GPT as the sectors to write: the protective MBR (when sector 0 needs one),
/// the primary header at LBA 1 with its entries from LBA 2, and the backup entries and header at
/// the end of the disk. Both copies carry the same entries, disk GUID and usable area.
/// </summary>
internal static class GptBuilder
{
    public const int DefaultEntryCount = 128;

    public static int EntryArraySectors(int sectorSize, uint count = DefaultEntryCount, uint size = GptEntry.Size) =>
        (int)((((long)count * size) + sectorSize - 1) / sectorSize);

    /// <summary>The usable area sgdisk gives a new table on this disk (128 entries of 128 bytes).</summary>
    public static (ulong First, ulong Last) DefaultUsable(long diskSectors, int sectorSize)
    {
        var array = (ulong)EntryArraySectors(sectorSize);
        return (2 + array, (ulong)diskSectors - 2 - array);
    }

    /// <summary>The entry array bytes for <paramref name="entries"/> in a table of <paramref name="count"/> entries of 128 bytes.</summary>
    public static byte[] EntryArray(IEnumerable<GptEntry> entries, uint count = DefaultEntryCount)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var array = new byte[count * GptEntry.Size];
        foreach (var e in entries)
        {
            if (e.Number >= 1 && e.Number <= count)
            {
                e.Write(array.AsSpan((e.Number - 1) * GptEntry.Size, GptEntry.Size));
            }
        }

        return array;
    }

    public static IReadOnlyList<SectorPatch> Build(long diskSectors, int sectorSize, Guid diskGuid, ulong firstUsable, ulong lastUsable,
        byte[] entryArray, uint entryCount, uint entrySize, bool protectiveMbr)
    {
        ArgumentNullException.ThrowIfNull(entryArray);
        var arraySectors = EntryArraySectors(sectorSize, entryCount, entrySize);
        var padded = new byte[arraySectors * sectorSize];
        entryArray.AsSpan(0, (int)Math.Min(entryArray.Length, (long)entryCount * entrySize)).CopyTo(padded);
        var entriesCrc = Crc32.Compute(padded.AsSpan(0, (int)((long)entryCount * entrySize)));
        var lastLba = (ulong)diskSectors - 1;
        var backupEntriesLba = lastLba - (ulong)arraySectors;
        var patches = new List<SectorPatch>();
        if (protectiveMbr)
        {
            var mbr = new byte[MbrSector.Size];
            var count = (uint)Math.Min(diskSectors - 1, uint.MaxValue);
            new MbrEntry(0, MbrEntry.ProtectiveType, 1, count).Write(mbr.AsSpan(MbrSector.Off.Entries, MbrEntry.Size));
            mbr[MbrSector.Off.BootSignature] = 0x55;
            mbr[MbrSector.Off.BootSignature + 1] = 0xAA;
            patches.Add(new SectorPatch(0, mbr, "protective MBR"));
        }

        var primary = new byte[sectorSize];
        GptHeader.Write(primary, 1, lastLba, firstUsable, lastUsable, diskGuid, 2, entryCount, entrySize, entriesCrc);
        patches.Add(new SectorPatch(sectorSize, primary, "primary GPT header"));
        patches.Add(new SectorPatch(2L * sectorSize, padded, "primary GPT entries"));
        patches.Add(new SectorPatch((long)backupEntriesLba * sectorSize, (byte[])padded.Clone(), "backup GPT entries"));
        var backup = new byte[sectorSize];
        GptHeader.Write(backup, lastLba, 1, firstUsable, lastUsable, diskGuid, backupEntriesLba, entryCount, entrySize, entriesCrc);
        patches.Add(new SectorPatch((long)lastLba * sectorSize, backup, "backup GPT header"));
        return patches;
    }
}
