using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `vhd repair`: the copy written, every change made, every orphaned block and where it went,
/// every block lost or kept in part, and the check of the copy. For the text: <see cref="StructuresRecovered"/>,
/// whether the file's own structures came back whole (<see cref="AllRecovered"/> also needs the
/// check of the copy to find no error), and <see cref="SourceFindings"/>, the damage found in the
/// source, which it lists as problems.
/// </summary>
internal sealed record VhdRepairCommandReport(string Schema, string Source, string Output, long OutputSize, string DiskType, long VirtualSize, string Uuid,
    long BlockSize, string FooterFrom, IReadOnlyList<VhdRepairCommandReport.ActionEntry> Actions, int BlocksKept, int OrphansFound, int OrphansPlaced,
    IReadOnlyList<VhdRepairCommandReport.OrphanEntry> Orphans, IReadOnlyList<VhdRepairCommandReport.LostEntry> Lost,
    IReadOnlyList<VhdRepairCommandReport.PartialEntry> Partial, bool AllRecovered, VhdRepairCommandReport.CheckEntry OutputCheck,
    IReadOnlyList<FindingReport> Findings, [property: JsonIgnore] VhdDiskType Type, [property: JsonIgnore] bool StructuresRecovered,
    [property: JsonIgnore] IReadOnlyList<Finding> SourceFindings)
{
    internal sealed record ActionEntry(string Structure, long Offset, string Field, string Old, string New, string Reason);

    /// <param name="CandidateBlocks">The blocks it could be, as many as the repairer lists; <paramref name="CandidateCount"/> counts them all.</param>
    internal sealed record OrphanEntry(long BitmapOffset, int SectorsPresent, bool Full, long DataBytesPresent, int? PlacedAsBlock, bool Inferred,
        IReadOnlyList<int> CandidateBlocks, int CandidateCount, string Evidence, string? SavedAs);

    /// <param name="BitmapOffset">Where the BAT said its bitmap was, or -1 when it is not known.</param>
    internal sealed record LostEntry(int Block, long BitmapOffset, string Reason);

    internal sealed record PartialEntry(int Block, long BitmapOffset, long PresentBytes, long BlockBytes);

    /// <param name="Codes">The codes of its errors and warnings, each once.</param>
    internal sealed record CheckEntry(bool Clean, int Errors, int Warnings, IReadOnlyList<string> Codes);

    [JsonIgnore]
    public IEnumerable<OrphanEntry> Placed => Orphans.Where(o => o.PlacedAsBlock is not null);

    [JsonIgnore]
    public IEnumerable<OrphanEntry> Unplaced => Orphans.Where(o => o.PlacedAsBlock is null);

    /// <summary>Orphans put back by inference from the write order, not proved.</summary>
    [JsonIgnore]
    public IEnumerable<OrphanEntry> InferredPlacements => Placed.Where(o => o.Inferred);

    /// <summary>The copy is still missing its parent (the check of the copy looks for it beside the source).</summary>
    [JsonIgnore]
    public bool ParentMissing => OutputCheck.Codes.Contains(VhdCodes.ChainParentMissing);

    /// <param name="after">The check of the repaired copy.</param>
    public static VhdRepairCommandReport Of(VhdRepairReport r, string source, string output, VhdCheckReport after, FindingLog log) =>
        new("srrescue.vhd-repair/1", source, output, r.OutputSizeBytes, r.DiskType.ToString().ToLowerInvariant(), r.VirtualSizeBytes, r.Uuid.ToString(),
            r.BlockSizeBytes, VhdCheckCommandReport.FooterName(r.FooterFrom),
            [.. r.Actions.Select(a => new ActionEntry(a.Structure, a.OffsetBytes, a.Field, a.Old, a.New, a.Reason))],
            r.BlocksKept, r.Orphans.Count, r.Placed.Count(),
            [.. r.Orphans.Select(o => new OrphanEntry(o.BitmapOffsetBytes, o.SectorsPresent, o.IsFull, o.DataBytesPresent, o.PlacedAsBlock, o.Inferred,
                o.CandidateBlocks, o.CandidateCount, o.Evidence, o.SavedAs))],
            [.. r.Lost.Select(l => new LostEntry(l.Block, l.BitmapOffsetBytes, l.Reason))],
            [.. r.Partial.Select(p => new PartialEntry(p.Block, p.BitmapOffsetBytes, p.PresentBytes, p.BlockBytes))],
            r.AllRecovered && after.Errors == 0,
            new CheckEntry(after.IsClean, after.Errors, after.Warnings,
                [.. after.Findings.Where(f => f.Severity != Severity.Info).Select(f => f.Code).Distinct(StringComparer.Ordinal)]),
            FindingReport.Of(log), r.DiskType, r.AllRecovered, r.Findings);
}
