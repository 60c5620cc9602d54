namespace SrRescue.Lvm.Model;

/// <summary>
/// Physical extents an LV to be restored would use that another LV already uses: an LV of the
/// newest copy (its data may have overwritten the old LV's) or another LV being restored.
/// </summary>
/// <param name="LvName">The LV to be restored.</param>
/// <param name="FirstPe">First PE of the shared range on the PV <paramref name="PvId"/>.</param>
/// <param name="PeCount">Number of shared PEs.</param>
/// <param name="OtherLvName">The LV that already uses them.</param>
public sealed record RestoreConflict(string LvName, string PvId, long FirstPe, long PeCount, string OtherLvName)
{
    /// <summary>The seqno in which the other LV first held the range (null: the newest copy).</summary>
    public long? Seqno { get; init; }
}
