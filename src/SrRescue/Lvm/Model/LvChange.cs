namespace SrRescue.Lvm.Model;

/// <summary>
/// One change of one LV between an older and a newer metadata copy. An LV that was renamed and
/// resized gives two changes.
/// </summary>
/// <param name="LvName">The name in the newer copy (in the older one for <see cref="LvChangeKind.Removed"/>).</param>
/// <param name="OldName">The name in the older copy when it differs (renames).</param>
/// <param name="OldExtentCount">0 for created LVs.</param>
/// <param name="NewExtentCount">0 for removed LVs.</param>
public sealed record LvChange(
    LvChangeKind Kind,
    string LvName,
    string? OldName,
    string Id,
    long OldExtentCount,
    long NewExtentCount,
    string Detail);
