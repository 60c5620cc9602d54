using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>`vhd check`: the VHD's facts, its parent, the totals, and every finding (<see cref="CheckFindings"/>: the check's own, which the text lists as problems and notes).</summary>
internal sealed record VhdCheckCommandReport(string Schema, string File, long FileSize, string? DiskType, long VirtualSize, string Uuid, bool Hidden,
    string FooterUsed, uint BlockSize, uint MaxTableEntries, uint? RecoveredMaxTableEntries, long BatEntries, long AllocatedBlocks, bool Batmap,
    VhdCheckCommandReport.ParentEntry? Parent, bool BitmapsChecked, int Errors, int Warnings, bool Clean, IReadOnlyList<FindingReport> Findings,
    [property: JsonIgnore] IReadOnlyList<Finding> CheckFindings)
{
    internal sealed record ParentEntry(string Uuid, string? Name, string? FoundAt);

    public static VhdCheckCommandReport Of(VhdCheckReport r, FindingLog log) =>
        new("srrescue.vhd-check/1", r.Name, r.FileSizeBytes, r.DiskType?.ToString().ToLowerInvariant(), r.VirtualSizeBytes, r.Uuid.ToString(), r.IsHidden,
            FooterName(r.FooterUsed), r.BlockSizeBytes, r.MaxTableEntries, r.RecoveredMaxTableEntries, r.BatEntries, r.AllocatedBlocks, r.HasBatmap,
            r.DiskType == VhdDiskType.Differencing ? new ParentEntry(r.ParentUuid.ToString(), r.ParentName, r.ParentFoundAt) : null,
            r.BitmapsChecked, r.Errors, r.Warnings, r.IsClean, FindingReport.Of(log), r.Findings);

    /// <summary>The footer copy as the JSON names it: primary, copy_at_offset_0, none (the text says it with spaces).</summary>
    public static string FooterName(FooterCopy copy) => copy switch
    {
        FooterCopy.Primary => "primary",
        FooterCopy.CopyAtOffset0 => "copy_at_offset_0",
        _ => "none",
    };
}
