using SrRescue.Lvm;
using SrRescue.Xen;

namespace SrRescue.Cli.Reports;

/// <summary>`list`: the SR, every VDI known from any source, and when there is none, why.</summary>
internal sealed record ListReport(string Schema, string? SrUuid, string? SrName, IReadOnlyList<VdiReport> Vdis, string? NoVdiHint, IReadOnlyList<FindingReport> Findings)
{
    public static ListReport Of(LvmInspection lvm)
    {
        var sr = SrInventory.Build(lvm, lvm.Findings);
        return new ListReport("srrescue.list/1", sr.SrUuid, sr.Mgt?.SrInfo.NameLabel, [.. sr.Vdis.Select(VdiReport.Of)],
            sr.Vdis.Count == 0 ? HintFor(lvm) : null, FindingReport.Of(lvm.Findings));
    }

    /// <summary>Why the table is empty, and what the sources hold instead.</summary>
    private static string HintFor(LvmInspection lvm)
    {
        if (lvm.Vg?.Newest?.Vg is not { } vg)
        {
            return "No LVM metadata was read, so no VDI is known: 'srrescue doctor' says what is wrong, 'srrescue carve' finds VHDs without metadata.";
        }

        var lvs = vg.Lvs.Select(l => l.Name).ToList();
        var shown = string.Join(", ", lvs.Take(12)) + (lvs.Count > 12 ? $", ... ({lvs.Count} in all)" : "");
        return LvName.SrUuidOf(vg.Name) is null
            ? $"VG {vg.Name} is not a XenServer SR (its name does not start with {LvName.VgPrefix}), so it has no VDIs. Its LVs: {(lvs.Count == 0 ? "none" : shown)}; 'srrescue scan' lists them, 'srrescue export SOURCE... --lv NAME -o FILE' writes one."
            : $"VG {vg.Name} holds no VDI LV (VHD-*, LV-*, QCOW2-*) in its newest metadata (seqno {vg.Seqno}). Its LVs: {(lvs.Count == 0 ? "none" : shown)}; 'srrescue history' shows VDIs of older copies.";
    }
}
