using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Reports;

/// <summary>`restore-metadata`: the file written (or why not), the LVs it brings back, and the extents another LV took since.</summary>
internal sealed record RestoreMetadataReport(string Schema, string Vg, long NewestSeqno, long FromSeqno, long FileSeqno, long SeqnoAfterVgcfgrestore,
    string? Output, bool Refused, IReadOnlyList<string> Problems, IReadOnlyList<string> RestoredLvs, IReadOnlyList<RestoreMetadataReport.Conflict> Conflicts,
    IReadOnlyList<FindingReport> Findings)
{
    internal sealed record Conflict(string Lv, string PvId, long FirstPe, long PeCount, string UsedBy, long? UsedInSeqno);

    /// <summary>The findings the text prints after its own lines (which already say what the restore's findings say).</summary>
    [JsonIgnore]
    public IEnumerable<FindingReport> OtherFindings => Findings.Where(f => !LvmCodes.IsRestore(f.Code));

    public static RestoreMetadataReport Of(MetadataVersion newest, MetadataVersion old, RestorePlan plan, string? written, FindingLog log) =>
        new("srrescue.restore-metadata/1", newest.VgName, newest.Seqno, old.Seqno, plan.Seqno, plan.RestoredSeqno, written, plan.Refused, plan.Problems, plan.RestoredLvs,
            [.. plan.Conflicts.Select(c => new Conflict(c.LvName, c.PvId, c.FirstPe, c.PeCount, c.OtherLvName, c.Seqno))], FindingReport.Of(log));
}
