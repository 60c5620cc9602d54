namespace SrRescue.Xen;

/// <summary>Where a VDI stands (the `list` STATE column).</summary>
public enum VdiState
{
    /// <summary>Its LV is in the newest metadata.</summary>
    Present,

    /// <summary>Its LV was removed; an older metadata copy still maps it and no LV uses its extents now.</summary>
    DeletedRecoverable,

    /// <summary>Its LV was removed and some of its extents now belong to other LVs.</summary>
    DeletedOverwritten,

    /// <summary>Known only by name (MGT): no metadata copy has its LV. Carving may find it.</summary>
    Unaccounted,

    /// <summary>Found by carving, without LVM metadata.</summary>
    Carved,
}
