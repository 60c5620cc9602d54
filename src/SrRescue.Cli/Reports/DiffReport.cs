using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Reports;

/// <summary>`diff`: the LV changes from one metadata version to another.</summary>
internal sealed record DiffReport(string Schema, long From, int FromLvCount, long To, int ToLvCount, IReadOnlyList<LvChangeReport> Changes)
{
    public static DiffReport Of(MetadataVersion from, MetadataVersion to)
    {
        // Each model asked for once and held here: the history keeps few parsed models (ParsedVgCache),
        // and asking again for one it dropped would parse it again beside the one held.
        var older = from.Vg!;
        var newer = to.Vg!;
        return new("srrescue.diff/1", from.Seqno, older.Lvs.Count, to.Seqno, newer.Lvs.Count, [.. MetadataDiff.Compare(older, newer).Select(LvChangeReport.Of)]);
    }
}
