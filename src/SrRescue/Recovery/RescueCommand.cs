namespace SrRescue.Recovery;

/// <summary>What a step of the plan asks this program to do; the command line is the CLI's to spell.</summary>
public enum RescueAction
{
    /// <summary>The doctor again, on other sources (a container converted to raw).</summary>
    Doctor,

    /// <summary>A VDI copied out into a new file, its chain coalesced.</summary>
    Export,

    /// <summary>A vgcfgrestore file: the newest metadata plus LVs of an older copy.</summary>
    RestoreMetadata,

    /// <summary>VHDs rebuilt from their own structures, without metadata.</summary>
    Carve,

    /// <summary>The partition table to put back, found from the PV labels, as a new file.</summary>
    PartitionTableFile,

    /// <summary>That table written onto the disk after an undo journal (the one action that writes to a source).</summary>
    PartitionTableInPlace,

    /// <summary>A repaired copy of a VHD file.</summary>
    VhdRepair,

    /// <summary>A VHD chain coalesced into one raw disk or one dynamic VHD.</summary>
    VhdConvert,

    /// <summary>A QCOW2 chain read into one raw disk or one dynamic VHD.</summary>
    Qcow2Convert,
}

/// <summary>The file format a step writes a disk in.</summary>
public enum DiskFormat
{
    Vhd,
    Raw,
}

/// <summary>
/// A step of the plan that this program runs, as data: the action and what it acts on. The CLI
/// turns it into its own command line, so the library never spells a flag.
/// </summary>
public sealed record RescueCommand(RescueAction Action, IReadOnlyList<string> Sources)
{
    /// <summary>The folder of /etc/lvm backup files the diagnosis read.</summary>
    public string? LvmBackup { get; init; }

    public string? VdiUuid { get; init; }

    /// <summary>The metadata copy (restore-metadata).</summary>
    public long? Seqno { get; init; }

    /// <summary>The LVs to take from that copy.</summary>
    public IReadOnlyList<string> LvNames { get; init; } = [];

    public DiskFormat? Format { get; init; }

    /// <summary>The file or folder written.</summary>
    public string? Output { get; init; }

    /// <summary>Where an in-place write saves the bytes it replaces.</summary>
    public string? Journal { get; init; }

    /// <summary>Where a VHD's parents are when they are not beside it.</summary>
    public string? ParentFolder { get; init; }

    /// <summary>Write what a chain without its parent holds, the parent's ranges as zeros.</summary>
    public bool AllowMissingParent { get; init; }

    /// <summary>Whether running it changes a source.</summary>
    public bool WritesToSource => Action == RescueAction.PartitionTableInPlace;
}
