using SrRescue.Lvm.Model;

namespace SrRescue.Lvm;

/// <summary>
/// What the history needs of one parsed version, kept instead of the whole parsed tree so that a
/// ring of thousands of copies costs little memory: the LVs with their ids and the physical
/// extents they occupy (to tell whether a removed LV's extents were given to another LV later).
/// </summary>
public sealed record MetadataSummary(
    int LvCount,
    long? CreationTime,
    string? CreationHost,
    string? Description,
    IReadOnlySet<string> LvNames,
    IReadOnlyList<LvPlacement> Lvs);

/// <summary>An LV of one version: name, id and the PV extents it occupies (by PV id).</summary>
public sealed record LvPlacement(string Name, string Id, IReadOnlyList<PhysicalExtentRange> Ranges);
