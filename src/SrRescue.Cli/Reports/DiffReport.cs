using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Reports;

/// <summary>`diff`: the LV changes from one metadata version to another.</summary>
internal sealed record DiffReport(string Schema, long From, int FromLvCount, long To, int ToLvCount, IReadOnlyList<LvChangeReport> Changes)
{
    public static DiffReport Of(MetadataVersion from, MetadataVersion to) =>
        new("srrescue.diff/1", from.Seqno, from.Vg!.Lvs.Count, to.Seqno, to.Vg!.Lvs.Count, [.. MetadataDiff.Compare(from.Vg, to.Vg).Select(LvChangeReport.Of)]);
}
