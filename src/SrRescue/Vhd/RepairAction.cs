namespace SrRescue.Vhd;

/// <summary>One change the repairer made to a structure: where, which field, from what to what, and why.</summary>
/// <param name="OffsetBytes">Absolute byte offset in the repaired file.</param>
public sealed record RepairAction(string Structure, long OffsetBytes, string Field, string Old, string New, string Reason)
{
    public override string ToString() => $"{Structure} at byte {OffsetBytes}: {Field} {Old} -> {New} ({Reason})";
}
