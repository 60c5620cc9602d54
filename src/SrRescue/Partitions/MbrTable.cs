using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Partitions;

/// <summary>
/// An MBR partition table: the four primary entries and the logical partitions of the extended
/// partition, found by following the EBR chain (each EBR: entry 0 = the logical partition,
/// relative to this EBR; entry 1 = the next EBR, relative to the extended partition's start).
/// The chain keeps a visited set and a bound, so a loop or a runaway chain costs a finding only.
/// </summary>
public sealed record MbrTable(uint DiskSignature, IReadOnlyList<MbrPartition> Partitions, bool IsProtective, bool IsHybrid)
{
    /// <summary>More logical partitions than anyone creates (Linux handles up to 60 on sd devices).</summary>
    public const int MaxLogicalPartitions = 256;

    public static MbrTable? TryRead(IByteSource disk, int sectorSize, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(log);
        var s0 = disk.ReadBytes(0, MbrSector.Size);
        if (!MbrSector.TryRead(s0, 0, log, "MBR", expected: false, out var mbr))
        {
            return null;
        }

        var diskSectors = disk.Length / sectorSize;
        var partitions = new List<MbrPartition>();
        var protective = false;
        var others = false;
        MbrPartition? extended = null;
        for (var i = 0; i < 4; i++)
        {
            var e = mbr[i];
            if (e.IsEmpty)
            {
                continue;
            }

            var entryAt = MbrSector.Off.Entries + (i * MbrEntry.Size);
            if (e.Status is not (0x00 or 0x80))
            {
                log.Add(Severity.Warning, "partitions.mbr.status", "MBR entry", entryAt, $"partition {i + 1} has an invalid boot flag", stored: $"0x{e.Status:x2}", computed: "0x00 or 0x80");
            }

            protective |= e.Type == MbrEntry.ProtectiveType;
            others |= e.Type != MbrEntry.ProtectiveType;
            var p = new MbrPartition(i + 1, e.Type, e.StartLba, e.SectorCount, e.Status == 0x80, e.IsExtended, entryAt);
            CheckBounds(p, diskSectors, log, e.Type == MbrEntry.ProtectiveType);
            partitions.Add(p);
            if (e.IsExtended)
            {
                if (extended is null)
                {
                    extended = p;
                }
                else
                {
                    log.Add(Severity.Warning, "partitions.mbr.two-extended", "MBR entry", entryAt, $"partition {i + 1} is a second extended partition; only the first is followed");
                }
            }
        }

        if (protective && others)
        {
            log.Add(Severity.Info, "partitions.mbr.hybrid", "MBR", MbrSector.Off.Entries,
                "hybrid MBR: a protective 0xEE entry beside other entries; the GPT is authoritative, the MBR entries are a copy for legacy systems");
        }

        if (extended is not null)
        {
            ReadLogical(disk, sectorSize, extended, diskSectors, partitions, log);
        }

        OverlapCheck(partitions, log);
        return new MbrTable(mbr.DiskSignature, partitions, protective, protective && others);
    }

    private static void ReadLogical(IByteSource disk, int sectorSize, MbrPartition extended, long diskSectors, List<MbrPartition> partitions, FindingLog log)
    {
        var visited = new HashSet<long>();
        var ebrLba = extended.StartLba;
        var number = 5;
        var buffer = new byte[MbrSector.Size];
        while (true)
        {
            var at = ebrLba * sectorSize;
            if (!visited.Add(ebrLba))
            {
                log.Add(Severity.Error, "partitions.ebr.loop", "EBR", at, $"the EBR chain comes back to sector {ebrLba}; the chain is cut here");
                return;
            }

            if (visited.Count > MaxLogicalPartitions)
            {
                log.Add(Severity.Error, "partitions.ebr.too-many", "EBR", at, $"the EBR chain has more than {MaxLogicalPartitions} links; the rest is ignored");
                return;
            }

            if (ebrLba >= diskSectors)
            {
                log.Add(Severity.Error, "partitions.ebr.beyond-disk", "EBR", at, $"the EBR at sector {ebrLba} lies beyond the end of the disk ({diskSectors} sectors)");
                return;
            }

            var n = disk.ReadFullyAt(at, buffer);
            if (!MbrSector.TryRead(buffer.AsSpan(0, n), at, log, "EBR", expected: true, out var ebr))
            {
                return;
            }

            var logical = ebr[0];
            if (!logical.IsEmpty)
            {
                var p = new MbrPartition(number++, logical.Type, ebrLba + logical.StartLba, logical.SectorCount, logical.Status == 0x80, false, at + MbrSector.Off.Entries);
                CheckBounds(p, diskSectors, log, false);
                if (p.StartLba < extended.StartLba || p.LastLba > extended.LastLba)
                {
                    log.Add(Severity.Warning, "partitions.ebr.outside-extended", "EBR entry", p.EntryOffsetBytes,
                        $"logical partition {p.Number} ({p.StartLba}-{p.LastLba}) is not inside the extended partition ({extended.StartLba}-{extended.LastLba})");
                }

                partitions.Add(p);
            }

            var next = ebr[1];
            if (next.IsEmpty || !next.IsExtended)
            {
                return;
            }

            ebrLba = extended.StartLba + next.StartLba;
        }
    }

    private static void CheckBounds(MbrPartition p, long diskSectors, FindingLog log, bool protective)
    {
        if (p.LastLba >= diskSectors && !(protective && p.SectorCount == uint.MaxValue))
        {
            log.Add(protective ? Severity.Info : Severity.Warning, "partitions.mbr.beyond-disk", "MBR entry", p.EntryOffsetBytes,
                $"partition {p.Number} ends at sector {p.LastLba}, beyond the last sector of the disk", stored: $"{p.LastLba}", computed: $"<= {diskSectors - 1}");
        }

        if (p.StartLba == 0)
        {
            log.Add(Severity.Warning, "partitions.mbr.start-zero", "MBR entry", p.EntryOffsetBytes, $"partition {p.Number} starts at sector 0, over the MBR itself");
        }
    }

    private static void OverlapCheck(List<MbrPartition> partitions, FindingLog log)
    {
        var data = partitions.Where(p => !p.IsExtended && p.Type != MbrEntry.ProtectiveType).OrderBy(p => p.StartLba).ToList();
        for (var i = 1; i < data.Count; i++)
        {
            if (data[i].StartLba <= data[i - 1].LastLba)
            {
                log.Add(Severity.Warning, "partitions.mbr.overlap", "MBR entry", data[i].EntryOffsetBytes,
                    $"partition {data[i].Number} overlaps partition {data[i - 1].Number}");
            }
        }
    }
}
