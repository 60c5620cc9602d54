namespace SrRescue.Recovery;

/// <summary>
/// One fault of the playbook (DESIGN.md F1-F7) that applies, with the evidence for it: offsets,
/// seqnos, names. <see cref="Kind"/> names the variant.
/// </summary>
public sealed record Fault(FaultId Id, FaultKind Kind, string Title, IReadOnlyList<string> Evidence)
{
    /// <summary>Not damage: what the names are (F6), how to reattach (F7), what kind of VG it is (VG).</summary>
    public bool IsInformational => Id is FaultId.F6 or FaultId.F7 or FaultId.Vg;
}
