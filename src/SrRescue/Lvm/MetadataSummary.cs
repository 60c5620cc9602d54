namespace SrRescue.Lvm;

/// <summary>
/// What the history needs of one parsed version, kept instead of the whole parsed tree so that a
/// ring of thousands of copies costs little memory.
/// </summary>
public sealed record MetadataSummary(
    int LvCount,
    long? CreationTime,
    string? CreationHost,
    string? Description,
    IReadOnlySet<string> LvNames);
