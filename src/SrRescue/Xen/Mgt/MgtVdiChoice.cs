namespace SrRescue.Xen.Mgt;

/// <summary>All records of one VDI uuid: the one to believe, and the others as history (best first).</summary>
public sealed record MgtVdiChoice(string Uuid, MgtVdiRecord Best, IReadOnlyList<MgtVdiRecord> History);
