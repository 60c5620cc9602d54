namespace SrRescue.Recovery;

/// <summary>
/// One fault of the playbook (DESIGN.md F1-F7) that applies, with the evidence for it: offsets,
/// seqnos, names. <see cref="Kind"/> names the variant (lost-vdi, snapshot-deleted, ring-wrapped,
/// multi-pv-lost-vdi, gpt-destroyed, mda-wiped, sr-recreated, vhd-damaged, names, reattach).
/// </summary>
public sealed record Fault(string Id, string Kind, string Title, IReadOnlyList<string> Evidence);
