using SrRescue.Diagnostics;

namespace SrRescue.Qcow2;

/// <summary>
/// The outcome of <see cref="Qcow2Checker.Check"/>: the numbers `qemu-img check --output=json`
/// gives for the same file (the JSON name of each is on it) and every problem as a finding. The
/// counts follow qemu's rules exactly; findings qemu has no counter for (overlapping structures,
/// notes) are listed but not counted.
/// </summary>
public sealed record Qcow2CheckReport
{
    public required string Name { get; init; }

    public required long FileSizeBytes { get; init; }

    public required uint Version { get; init; }

    public required long ClusterSizeBytes { get; init; }

    public required long VirtualSizeBytes { get; init; }

    /// <summary>The width of a refcount (1 to 64), or 0 when refcount_order is out of range and no refcount could be read.</summary>
    public required int RefcountBits { get; init; }

    /// <summary>The snapshots whose tables were walked (0 when the snapshot table could not be read).</summary>
    public required int SnapshotCount { get; init; }

    /// <summary>The dirty bit: refcounts may be stale by design (lazy refcounts), so refcount findings are warnings.</summary>
    public required bool IsDirty { get; init; }

    /// <summary>"check-errors": problems that stopped part of the check (refcounts that cannot be read, a snapshot table that cannot be read).</summary>
    public required long CheckErrors { get; init; }

    /// <summary>"corruptions": damage that can lose data (a refcount too low, a bad table entry, a reference past the end).</summary>
    public required long Corruptions { get; init; }

    /// <summary>"leaks": clusters whose refcount is higher than their references (lost space only).</summary>
    public required long Leaks { get; init; }

    /// <summary>"allocated-clusters": guest clusters the active L1 table maps to this file (standard, preallocated zero and compressed).</summary>
    public required long AllocatedClusters { get; init; }

    /// <summary>"total-clusters": guest clusters of the virtual disk.</summary>
    public required long TotalClusters { get; init; }

    /// <summary>"compressed-clusters".</summary>
    public required long CompressedClusters { get; init; }

    /// <summary>"fragmented-clusters": allocated clusters not right after the one before them in the same L2 table, and every compressed one.</summary>
    public required long FragmentedClusters { get; init; }

    /// <summary>"image-end-offset": the end of the last cluster with a stored or counted refcount.</summary>
    public required long ImageEndOffset { get; init; }

    /// <summary>
    /// False when part of the image was not compared: more host clusters than the checker counts
    /// (<see cref="Qcow2Checker.MaxHostClusters"/>), refcounts of a width that cannot be read, or
    /// tables that point at each other past the work budget. The counts may then be low.
    /// </summary>
    public required bool IsComplete { get; init; }

    /// <summary>The findings of this check (also added to the caller's log), each code listed at most <see cref="Qcow2Checker.MaxFindingsPerCode"/> times; the counts above count every one.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>What qemu-img check calls a clean image: no check errors, corruptions or leaks.</summary>
    public bool IsClean => CheckErrors == 0 && Corruptions == 0 && Leaks == 0;

    public int Errors => Findings.Count(f => f.Severity == Severity.Error);

    public int Warnings => Findings.Count(f => f.Severity == Severity.Warning);
}
