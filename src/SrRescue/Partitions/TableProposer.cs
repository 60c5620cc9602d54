using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Partitions;

/// <summary>
/// Decides what table to give back (fault F1). A GPT with one intact copy gets the other copy
/// rebuilt from it: the original layout, GUIDs and names. Without any GPT copy, every PV found by
/// its label gets a Linux LVM partition from the PV's first sector to the end its pv_header device
/// size gives, clamped to the usable area: the PV then sees exactly the device it was created on.
/// </summary>
internal static class TableProposer
{
    public static ProposedTable Propose(DiskPartitions disk, IReadOnlyList<PvToPlace> pvs, FindingLog log, Func<Guid>? newGuid = null)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(pvs);
        ArgumentNullException.ThrowIfNull(log);
        newGuid ??= Guid.NewGuid;
        var ss = disk.SectorSize;
        var needMbr = disk.Mbr is not { IsProtective: true };
        if (disk.Gpt is { } gpt)
        {
            if (gpt.Primary is { IsValid: true } && gpt.Backup is { IsValid: true } && !needMbr)
            {
                var h = gpt.Primary.Header;
                return new ProposedTable("intact", "both GPT copies and the protective MBR are intact", ss, h.DiskGuid, h.FirstUsableLba, h.LastUsableLba, gpt.Partitions, []);
            }

            var good = gpt.Primary is { IsValid: true } ? gpt.Primary : gpt.Backup is { IsValid: true } ? gpt.Backup : null;
            if (good is not null)
            {
                var h = good.Header;
                var kind = good == gpt.Primary ? "gpt-from-primary" : "gpt-from-backup";
                var patches = GptBuilder.Build(disk.DiskSectors, ss, h.DiskGuid, h.FirstUsableLba, Math.Min(h.LastUsableLba, (ulong)disk.DiskSectors - 2 - (ulong)GptBuilder.EntryArraySectors(ss, h.EntryCount, h.EntrySize)),
                    good.RawEntries, h.EntryCount, h.EntrySize, needMbr);
                return new ProposedTable(kind, $"the {good.Which} is intact: the original table is rebuilt from it", ss, h.DiskGuid, h.FirstUsableLba, h.LastUsableLba, gpt.Partitions, patches);
            }
        }

        if (pvs.Count == 0)
        {
            return new ProposedTable("none", "no intact GPT copy and no LVM PV found (run with --find to search the whole disk)", ss, Guid.Empty, 0, 0, [], []);
        }

        if (disk.Mbr is { IsProtective: false } dos && pvs.Count > 0)
        {
            // A DOS table is there: a GPT written over it would lose its other partitions.
            var outside = pvs.Where(pv => !dos.Partitions.Any(p => !p.IsExtended && pv.PvStartBytes == p.StartLba * ss)).ToList();
            return outside.Count == 0
                ? new ProposedTable("intact", "every PV found starts at a partition of the MBR table", ss, Guid.Empty, 0, 0, [], [])
                : new ProposedTable("manual", $"the disk has an MBR table, and the PV(s) at byte {string.Join(", ", outside.Select(pv => pv.PvStartBytes))} start at none of its partitions: add one with sfdisk (type 8e); srrescue does not write MBR tables", ss, Guid.Empty, 0, 0, [], []);
        }

        if (pvs.Any(p => p.PvStartBytes == 0))
        {
            return new ProposedTable("whole-disk-pv", "the PV starts at byte 0: the SR uses the whole disk (a SAN LUN) and needs no partition table", ss, Guid.Empty, 0, 0, [], []);
        }

        var (first, last) = GptBuilder.DefaultUsable(disk.DiskSectors, ss);
        var entries = new List<GptEntry>();
        var number = ProposedTable.SrPartitionNumber;
        foreach (var pv in pvs.OrderBy(p => p.PvStartBytes))
        {
            if (pv.PvStartBytes % ss != 0 || pv.PvStartBytes / ss < (long)first || pv.PvStartBytes / ss > (long)last)
            {
                log.Add(Severity.Warning, "partitions.proposal.pv-unplaceable", "LVM label", pv.LabelOffsetBytes,
                    $"PV {pv.PvUuid} starts at byte {pv.PvStartBytes}, which no GPT partition can start at (sector size {ss}, usable {first}-{last})");
                continue;
            }

            var start = (ulong)(pv.PvStartBytes / ss);
            var sectors = pv.DeviceSizeBytes > 0 ? (ulong)(pv.DeviceSizeBytes / ss) : 0;
            var end = sectors == 0 ? last : Math.Min(start + sectors - 1, last);
            if (sectors == 0 || start + sectors - 1 > last)
            {
                log.Add(Severity.Warning, "partitions.proposal.clamped", "LVM label", pv.LabelOffsetBytes,
                    $"PV {pv.PvUuid} claims {pv.DeviceSizeBytes} bytes, which does not fit the usable area; its partition ends at the last usable sector",
                    stored: $"{pv.DeviceSizeBytes}", computed: $"{(last - start + 1) * (ulong)ss}");
            }

            if (entries.Count > 0 && start <= entries[^1].LastLba)
            {
                log.Add(Severity.Warning, "partitions.proposal.overlap", "LVM label", pv.LabelOffsetBytes, $"PV {pv.PvUuid} overlaps the PV before it; it gets no partition");
                continue;
            }

            entries.Add(new GptEntry(number++, GptEntry.LinuxLvm, newGuid(), start, end, 0, entries.Count == 0 ? ProposedTable.SrPartitionName : $"pv{entries.Count + 1}"));
        }

        if (entries.Count == 0)
        {
            return new ProposedTable("none", "no PV found can be given a partition", ss, Guid.Empty, 0, 0, [], []);
        }

        var diskGuid = newGuid();
        var patchesNew = GptBuilder.Build(disk.DiskSectors, ss, diskGuid, first, last, GptBuilder.EntryArray(entries), GptBuilder.DefaultEntryCount, GptEntry.Size, needMbr);
        return new ProposedTable("gpt-minimal", "no GPT copy survives: a new GPT with a Linux LVM partition for each PV found", ss, diskGuid, first, last, entries, patchesNew);
    }
}
