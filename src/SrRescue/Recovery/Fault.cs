namespace SrRescue.Recovery;

/// <summary>
/// One fault of the playbook (DESIGN.md F1-F7) that applies, with the evidence for it: offsets,
/// seqnos, names. <see cref="Kind"/> names the variant (lost-vdi, snapshot-deleted, ring-wrapped,
/// multi-pv-lost-vdi, gpt-destroyed, mda-wiped, sr-recreated, vhd-damaged, names, reattach).
/// </summary>
public sealed record Fault(string Id, string Kind, string Title, IReadOnlyList<string> Evidence)
{
    /// <summary>Not damage: what the names are (F6), how to reattach (F7), what kind of VG it is (VG).</summary>
    public bool IsInformational => Id is "F6" or "F7" or "VG";
}
