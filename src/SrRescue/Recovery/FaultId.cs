namespace SrRescue.Recovery;

/// <summary>The faults of the playbook (DESIGN.md F1-F7), and the two that describe what the sources are.</summary>
public enum FaultId
{
    /// <summary>Partition table damaged or overwritten.</summary>
    F1,

    /// <summary>VDI deleted or lost: its LV was removed from the current metadata.</summary>
    F2,

    /// <summary>LVM label or metadata area damaged.</summary>
    F3,

    /// <summary>VDIs that no metadata maps: the SR was re-created, or every copy is gone.</summary>
    F4,

    /// <summary>VHD structures damaged.</summary>
    F5,

    /// <summary>VDI names (from MGT).</summary>
    F6,

    /// <summary>Getting the disks back into XenServer.</summary>
    F7,

    /// <summary>What kind of VG it is (not a XenServer SR).</summary>
    Vg,

    /// <summary>What the sources are: truncated, missing, a container, no SR at all.</summary>
    Source,
}
