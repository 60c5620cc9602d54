using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Recovery;

namespace SrRescue.Cli.Reports;

/// <summary>`doctor`: the SR, the faults with their evidence, the VDIs, the ordered plan, the warnings.</summary>
internal sealed record DoctorReport(string Schema, IReadOnlyList<string> Sources, string? SrUuid, string? Vg, string? SrName,
    IReadOnlyList<DoctorReport.FaultEntry> Faults, IReadOnlyList<VdiReport> Vdis, IReadOnlyList<PlanStepReport> Plan,
    IReadOnlyList<string> Warnings, IReadOnlyList<FindingReport> Findings)
{
    internal sealed record FaultEntry(string Id, string Kind, string Title, IReadOnlyList<string> Evidence, [property: JsonIgnore] bool IsInformational);

    public static DoctorReport Of(Diagnosis d, FindingLog log) =>
        new("srrescue.doctor/1", d.Sources, d.SrUuid, d.VgName, d.SrName,
            [.. d.Faults.Select(f => new FaultEntry(f.Id.Name(), f.Kind.Name(), f.Title, f.Evidence, f.IsInformational))],
            [.. d.Vdis.Select(VdiReport.Of)], [.. d.Plan.Select((s, i) => PlanStepReport.Of(s, i + 1))], d.Warnings, FindingReport.Of(log));

    /// <summary>Faults that are damage (not names, re-attach or what kind of VG it is): exit 1.</summary>
    [JsonIgnore]
    public bool HasDamage => Faults.Any(f => !f.IsInformational);
}
