using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>What <see cref="VhdRepairer.Repair"/> did: every structure it changed, every block it put back, kept in part or lost.</summary>
public sealed record VhdRepairReport
{
    public required string SourceName { get; init; }

    public required VhdDiskType DiskType { get; init; }

    public required long VirtualSizeBytes { get; init; }

    public required Guid Uuid { get; init; }

    /// <summary>Bytes of data per block (0 for fixed disks).</summary>
    public required long BlockSizeBytes { get; init; }

    /// <summary>The footer both copies were written from.</summary>
    public required FooterCopy FooterFrom { get; init; }

    public required long OutputSizeBytes { get; init; }

    public required IReadOnlyList<RepairAction> Actions { get; init; }

    /// <summary>Allocated blocks whose BAT entries survived and were kept.</summary>
    public required int BlocksKept { get; init; }

    /// <summary>Every orphaned block found, placed or not.</summary>
    public required IReadOnlyList<OrphanBlock> Orphans { get; init; }

    public required IReadOnlyList<LostBlock> Lost { get; init; }

    public required IReadOnlyList<PartialBlock> Partial { get; init; }

    /// <summary>The damage found in the source before the repair.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    public IEnumerable<OrphanBlock> Placed => Orphans.Where(o => o.PlacedAsBlock is not null);

    public IEnumerable<OrphanBlock> Unplaced => Orphans.Where(o => o.PlacedAsBlock is null);

    /// <summary>Nothing was lost, nothing kept only in part, every orphan put back.</summary>
    public bool AllRecovered => Lost.Count == 0 && Partial.Count == 0 && Orphans.All(o => o.PlacedAsBlock is not null && !o.Inferred);

    /// <summary>Orphans put back by inference (<see cref="OrphanBlock.Inferred"/>): to be checked before the disk is trusted.</summary>
    public IEnumerable<OrphanBlock> InferredPlacements => Orphans.Where(o => o.PlacedAsBlock is not null && o.Inferred);
}
