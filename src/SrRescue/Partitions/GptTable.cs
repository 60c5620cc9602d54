using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Partitions;

/// <summary>
/// A GPT disk: the primary copy (header at LBA 1, entries after it) and the backup (header at the
/// last LBA, entries before it). The sector size is where "EFI PART" is found: byte 512 or byte
/// 4096 (or, for the backup alone, 512 or 4096 bytes before the end). When the copies disagree
/// the first valid one is used (primary, else backup) and the difference is a finding.
/// </summary>
public sealed record GptTable(int SectorSize, GptCopy? Primary, GptCopy? Backup)
{
    /// <summary>UEFI requires room for 128 entries; real disks have 128. More than this is damage.</summary>
    public const uint MaxEntryCount = 16_384;

    /// <summary>Entry sizes are 128 × 2^n; nobody uses more than 128, a sector is the sane bound.</summary>
    public const uint MaxEntrySize = 4096;

    public const int MaxEntryArrayBytes = 4 << 20;

    /// <summary>The copy to trust: the primary when it is intact, else the backup, else whatever is left.</summary>
    public GptCopy? Used => Primary is { IsValid: true } ? Primary : Backup is { IsValid: true } ? Backup : Primary ?? Backup;

    public IReadOnlyList<GptEntry> Partitions => Used?.Entries.Where(e => !e.IsEmpty).ToList() ?? [];

    /// <summary>The sector size a disk's GPT says it has, or null when neither copy has a signature at 512 or 4096.</summary>
    public static int? DetectSectorSize(IByteSource disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        foreach (var size in new[] { 512, 4096 })
        {
            if (GptHeader.HasSignature(disk.ReadBytes(size, 8)) || (disk.Length >= 2L * size && GptHeader.HasSignature(disk.ReadBytes(disk.Length - size, 8))))
            {
                return size;
            }
        }

        return null;
    }

    public static GptTable? TryRead(IByteSource disk, FindingLog log, int? sectorSize = null)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(log);
        var size = sectorSize ?? DetectSectorSize(disk);
        if (size is null)
        {
            return null;
        }

        var ss = size.Value;
        var lastLba = (disk.Length / ss) - 1;
        var primary = ReadCopy(disk, ss, 1, "primary GPT", log);
        var backup = ReadCopy(disk, ss, lastLba, "backup GPT", log);
        if (backup is null && primary is not null && primary.Header.AlternateLba != (ulong)lastLba && primary.Header.AlternateLba < (ulong)lastLba && primary.Header.AlternateLba > 1)
        {
            log.Add(Severity.Warning, "partitions.gpt.backup-moved", "primary GPT", (ss * 1L) + GptHeader.Off.AlternateLba,
                "the primary header places the backup elsewhere than the last sector (the disk grew?)", stored: $"{primary.Header.AlternateLba}", computed: $"{lastLba}");
            backup = ReadCopy(disk, ss, (long)primary.Header.AlternateLba, "backup GPT", log);
        }

        Compare(primary, backup, ss, log);
        return new GptTable(ss, primary, backup);
    }

    private static GptCopy? ReadCopy(IByteSource disk, int ss, long lba, string which, FindingLog log)
    {
        var at = lba * ss;
        var sector = disk.ReadBytes(at, ss);
        if (!GptHeader.TryRead(sector, at, log, which, out var h))
        {
            return null;
        }

        var problems = new List<string>();
        var diskSectors = (ulong)(disk.Length / ss);
        if (h.MyLba != (ulong)lba)
        {
            problems.Add("my_lba");
            log.Add(Severity.Error, "partitions.gpt.my-lba", which, at + GptHeader.Off.MyLba, $"the {which} header does not say where it is", stored: $"{h.MyLba}", computed: $"{lba}");
        }

        if (h.FirstUsableLba > h.LastUsableLba || h.LastUsableLba >= diskSectors)
        {
            problems.Add("usable");
            log.Add(Severity.Error, "partitions.gpt.usable", which, at + GptHeader.Off.FirstUsableLba, $"the {which} usable range is impossible for this disk",
                stored: $"{h.FirstUsableLba}-{h.LastUsableLba}", computed: $"within 0-{diskSectors - 1}");
        }

        if (h.EntrySize < GptEntry.Size || h.EntrySize > MaxEntrySize || h.EntrySize % GptEntry.Size != 0)
        {
            log.Add(Severity.Error, "partitions.gpt.entry-size", which, at + GptHeader.Off.EntrySize, "the GPT entry size is not 128 × 2^n within bounds",
                stored: $"{h.EntrySize}", computed: $"128..{MaxEntrySize}");
            return new GptCopy(which, at, h, false, 0, [], []) { Problems = [.. problems, "entry_size"] };
        }

        var arrayBytes = (long)h.EntryCount * h.EntrySize;
        if (h.EntryCount > MaxEntryCount || arrayBytes > MaxEntryArrayBytes)
        {
            log.Add(Severity.Error, "partitions.gpt.entry-count", which, at + GptHeader.Off.EntryCount, "the GPT entry count is beyond any real table",
                stored: $"{h.EntryCount}", computed: $"<= {MaxEntryCount}");
            return new GptCopy(which, at, h, false, 0, [], []) { Problems = [.. problems, "entry_count"] };
        }

        var arraySectors = (arrayBytes + ss - 1) / ss;
        if (h.EntriesLba < 1 || h.EntriesLba > diskSectors || (ulong)arraySectors > diskSectors - h.EntriesLba)
        {
            log.Add(Severity.Error, "partitions.gpt.entries-lba", which, at + GptHeader.Off.EntriesLba, "the GPT entry array lies outside the disk",
                stored: $"{h.EntriesLba}", computed: $"< {diskSectors}");
            return new GptCopy(which, at, h, false, 0, [], []) { Problems = [.. problems, "entries_lba"] };
        }

        var raw = disk.ReadBytes((long)h.EntriesLba * ss, (int)arrayBytes);
        var crc = Crc32.Compute(raw);
        var crcOk = raw.Length == arrayBytes && crc == h.EntriesCrc;
        if (!crcOk)
        {
            log.Add(Severity.Error, "partitions.gpt.entries-crc", which, ((long)h.EntriesLba * ss), $"the {which} entry array checksum is wrong",
                stored: $"{h.EntriesCrc:x8}", computed: $"{crc:x8}");
        }

        var entries = new List<GptEntry>((int)h.EntryCount);
        for (var i = 0; i + h.EntrySize <= raw.Length; i += (int)h.EntrySize)
        {
            entries.Add(GptEntry.Read(raw.AsSpan(i, GptEntry.Size), (i / (int)h.EntrySize) + 1));
        }

        CheckEntries(entries, h, which, ((long)h.EntriesLba * ss), (int)h.EntrySize, problems, log);
        return new GptCopy(which, at, h, crcOk, crc, entries, raw) { Problems = problems };
    }

    private static void CheckEntries(List<GptEntry> entries, GptHeader h, string which, long arrayAt, int entrySize, List<string> problems, FindingLog log)
    {
        var used = entries.Where(e => !e.IsEmpty).OrderBy(e => e.FirstLba).ToList();
        foreach (var e in used)
        {
            if (e.FirstLba > e.LastLba || e.FirstLba < h.FirstUsableLba || e.LastLba > h.LastUsableLba)
            {
                problems.Add($"entry {e.Number}");
                log.Add(Severity.Warning, "partitions.gpt.entry-range", which, arrayAt + ((long)(e.Number - 1) * entrySize) + GptEntry.Off.FirstLba,
                    $"partition {e.Number} is outside the usable area", stored: $"{e.FirstLba}-{e.LastLba}", computed: $"within {h.FirstUsableLba}-{h.LastUsableLba}");
            }
        }

        for (var i = 1; i < used.Count; i++)
        {
            if (used[i].FirstLba <= used[i - 1].LastLba)
            {
                log.Add(Severity.Warning, "partitions.gpt.overlap", which, arrayAt + ((long)(used[i].Number - 1) * entrySize),
                    $"partition {used[i].Number} overlaps partition {used[i - 1].Number}");
            }
        }
    }

    private static void Compare(GptCopy? primary, GptCopy? backup, int ss, FindingLog log)
    {
        if (primary is null || backup is null)
        {
            var missing = primary is null ? "primary" : "backup";
            if (primary is not null || backup is not null)
            {
                log.Add(Severity.Warning, "partitions.gpt.copy-missing", $"{missing} GPT", primary is null ? ss : backup is null ? primary!.HeaderOffsetBytes : 0,
                    $"the {missing} GPT is missing; the {(primary is null ? "backup" : "primary")} copy is used");
            }

            return;
        }

        var a = primary.Header;
        var b = backup.Header;
        if (a.DiskGuid != b.DiskGuid || a.FirstUsableLba != b.FirstUsableLba || a.LastUsableLba != b.LastUsableLba
            || a.EntryCount != b.EntryCount || a.EntrySize != b.EntrySize || a.EntriesCrc != b.EntriesCrc || primary.ComputedEntriesCrc != backup.ComputedEntriesCrc)
        {
            log.Add(Severity.Warning, "partitions.gpt.copies-differ", "backup GPT", backup.HeaderOffsetBytes,
                $"the primary and backup GPT disagree; the {(primary.IsValid ? "primary" : backup.IsValid ? "backup" : "primary")} copy is used",
                stored: $"disk {b.DiskGuid} entries crc {backup.ComputedEntriesCrc:x8}", computed: $"disk {a.DiskGuid} entries crc {primary.ComputedEntriesCrc:x8}");
        }

        if (a.AlternateLba != b.MyLba || b.AlternateLba != a.MyLba)
        {
            log.Add(Severity.Warning, "partitions.gpt.alternate", "primary GPT", primary.HeaderOffsetBytes + GptHeader.Off.AlternateLba,
                "the two GPT headers do not point at each other", stored: $"{a.AlternateLba}", computed: $"{b.MyLba}");
        }
    }
}
