namespace SrRescue.Xen.Mgt;

/// <summary>
/// The SR information of sectors 1-3 (xenserver-lvhd.md 3.1): uuid and allocation (sector 1),
/// name_label (sector 2), name_description (sector 3); null where the MGT does not have it.
/// </summary>
/// <param name="OtherTags">Any further tags, by name (the last occurrence wins, as in SM's dict).</param>
public sealed record MgtSrInfo(
    string? Uuid,
    string? Allocation,
    string? NameLabel,
    string? NameDescription,
    IReadOnlyDictionary<string, string> OtherTags)
{
    public static MgtSrInfo Empty { get; } = new(null, null, null, null, new Dictionary<string, string>());
}
