using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>The outcome of <see cref="VhdChecker.Check"/>: the facts it settled on and every problem it found.</summary>
public sealed record VhdCheckReport
{
    public required string Name { get; init; }

    public required long FileSizeBytes { get; init; }

    /// <summary>Null when no footer could be read.</summary>
    public VhdDiskType? DiskType { get; init; }

    public long VirtualSizeBytes { get; init; }

    public Guid Uuid { get; init; }

    public bool IsHidden { get; init; }

    public required FooterCopy FooterUsed { get; init; }

    public uint BlockSizeBytes { get; init; }

    /// <summary>max_table_entries as used by the check: stored, or recovered when the stored one is damaged.</summary>
    public uint MaxTableEntries { get; init; }

    /// <summary>Set when max_table_entries was judged damaged and recovered from the batmap position and the checksum.</summary>
    public uint? RecoveredMaxTableEntries { get; init; }

    /// <summary>BAT entries that describe the virtual disk (ceil(size / block)).</summary>
    public int BatEntries { get; init; }

    public int AllocatedBlocks { get; init; }

    public bool HasBatmap { get; init; }

    public Guid ParentUuid { get; init; }

    /// <summary>What the child calls its parent (header name or locator path); null for non-differencing disks.</summary>
    public string? ParentName { get; init; }

    /// <summary>Where the resolver found the parent; null when not found or not looked for.</summary>
    public string? ParentFoundAt { get; init; }

    public bool BitmapsChecked { get; init; }

    /// <summary>The findings of this check (also added to the caller's log).</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    public int Errors => Findings.Count(f => f.Severity == Severity.Error);

    public int Warnings => Findings.Count(f => f.Severity == Severity.Warning);

    /// <summary>No errors and no warnings (information findings are normal facts).</summary>
    public bool IsClean => Errors == 0 && Warnings == 0;
}
