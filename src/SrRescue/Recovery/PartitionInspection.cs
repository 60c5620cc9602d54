using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Partitions;

namespace SrRescue.Recovery;

/// <summary>
/// What `partitions` shows: the tables, the PVs (at the start of the disk and of each partition,
/// or, with a full search, anywhere on a sector boundary), and the table to put back.
/// </summary>
public sealed record PartitionInspection(DiskPartitions Disk, IReadOnlyList<FoundPv> Pvs, bool Searched, ProposedTable Proposal)
{
    public static PartitionInspection Inspect(IByteSource disk, FindingLog log, bool fullSearch, int? sectorSize = null,
        IProgress<WorkProgress>? progress = null, Func<Guid>? newGuid = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(log);
        var tables = DiskPartitions.Read(disk, log, sectorSize);
        var pvs = fullSearch ? LostPvSearch.Find(disk, log, progress, cancel).ToList() : Probe(disk, tables, log);
        var proposal = TableProposer.Propose(tables, [.. pvs.Where(p => p.CrcMatches).Select(p => new PvToPlace(p.LabelOffsetBytes, p.PvStartBytes, p.PvUuid, p.DeviceSizeBytes))], log, newGuid);
        return new PartitionInspection(tables, pvs, fullSearch, proposal);
    }

    /// <summary>The number of the partition of the table in use that holds <paramref name="pv"/>'s start, or null.</summary>
    public int? PartitionOf(FoundPv pv)
    {
        ArgumentNullException.ThrowIfNull(pv);
        var ss = Disk.SectorSize;
        foreach (var (number, first, last) in Ranges(Disk))
        {
            if (pv.PvStartBytes >= first * ss && pv.PvStartBytes <= ((last + 1) * ss) - 1)
            {
                return number;
            }
        }

        return null;
    }

    private static IEnumerable<(int Number, long First, long Last)> Ranges(DiskPartitions d)
    {
        if (d.Gpt is not null)
        {
            return d.Gpt.Partitions.Select(e => (e.Number, (long)Math.Min(e.FirstLba, long.MaxValue / 8192), (long)Math.Min(e.LastLba, long.MaxValue / 8192)));
        }

        return d.Mbr is { IsProtective: false } mbr ? mbr.Partitions.Where(p => !p.IsExtended).Select(p => (p.Number, p.StartLba, p.LastLba)) : [];
    }

    /// <summary>Looks for a PV label at byte 0 and at the start of every partition: cheap, no full search.</summary>
    private static List<FoundPv> Probe(IByteSource disk, DiskPartitions tables, FindingLog log)
    {
        var found = new List<FoundPv>();
        var starts = new SortedSet<long> { 0 };
        foreach (var (_, first, _) in Ranges(tables))
        {
            if (first > 0 && first < disk.Length / tables.SectorSize)
            {
                starts.Add(first * tables.SectorSize);
            }
        }

        foreach (var start in starts)
        {
            var window = new SubRangeSource(disk, start, Math.Min(4 * 512, disk.Length - start), disk.Name);
            // The search reports offsets inside the window; the finding here carries the absolute one.
            foreach (var pv in LostPvSearch.Find(window, new FindingLog()))
            {
                var at = pv with { LabelOffsetBytes = pv.LabelOffsetBytes + start, PvStartBytes = pv.PvStartBytes + start };
                found.Add(at);
                log.Add(Severity.Info, "partitions.pv-found", "LVM label", at.LabelOffsetBytes,
                    $"LVM label of PV {at.PvUuid} found; the PV starts at byte {at.PvStartBytes} and is {at.DeviceSizeBytes} bytes long{(at.CrcMatches ? "" : " (label checksum wrong)")}", source: disk.Name);
            }
        }

        return found;
    }
}
