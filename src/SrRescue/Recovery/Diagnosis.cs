using SrRescue.Xen;

namespace SrRescue.Recovery;

/// <summary>What the doctor found and what to do: the faults with evidence, the VDIs, the ordered plan, the warnings.</summary>
public sealed record Diagnosis(
    IReadOnlyList<string> Sources,
    string? SrUuid,
    string? VgName,
    string? SrName,
    IReadOnlyList<Fault> Faults,
    IReadOnlyList<SrVdi> Vdis,
    IReadOnlyList<PlanStep> Plan,
    IReadOnlyList<string> Warnings);
