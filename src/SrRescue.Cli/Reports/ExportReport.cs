using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Xen;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `export`: the LV written and the metadata copy it was read through, the file, the chain it
/// coalesced, and what could not be read as it was: ranges read as zeros, extents another LV took since.
/// </summary>
internal sealed record ExportReport(string Schema, string Lv, string? Vdi, long Seqno, bool InNewestMetadata, string Format, string Output, long Size,
    long DataBytes, IReadOnlyList<ExportReport.ChainLv> Chain, string? MissingParent, IReadOnlyList<ExportReport.ZeroedRange> Unmapped,
    IReadOnlyList<ExportReport.TakenExtents> NowUsedByOtherLvs, IReadOnlyList<FindingReport> Findings)
{
    /// <summary>
    /// One LV of the chain, leaf first; the VHD uuid where it was read as a VHD, the hidden flag where
    /// it was read as a VHD or QCOW2 image (neither for --format lv, nor for a raw LV at the bottom).
    /// </summary>
    internal sealed record ChainLv(string Lv,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? VhdUuid,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Hidden);

    internal sealed record ZeroedRange(string Lv, long Offset, long Length, string Reason);

    internal sealed record TakenExtents(string Lv, string PvId, long FirstPe, long PeCount, string UsedBy)
    {
        [JsonIgnore]
        public PhysicalExtentRange Range => new(PvId, FirstPe, PeCount);
    }

    /// <summary>Whether some of the disk could not be read as it was: exit code 1.</summary>
    [JsonIgnore]
    public bool IsPartial => NowUsedByOtherLvs.Count > 0 || Unmapped.Count > 0 || MissingParent is not null;

    /// <param name="chain">The LVs read, leaf first: the chain's, or the one LV.</param>
    public static ExportReport Of(string lv, long seqno, bool inNewest, string format, string output, long sizeBytes, long dataBytes,
        IReadOnlyList<ChainLv> chain, string? missingParent, IEnumerable<(string Lv, PhysicalExtentRange Range, string OtherLv)> overwritten,
        IEnumerable<(string Lv, UnmappedRange Range)> unmapped, FindingLog log) =>
        new("srrescue.export/1", lv, LvName.Parse(lv).VdiUuid, seqno, inNewest, format, output, sizeBytes, dataBytes, chain, missingParent,
            [.. unmapped.Select(u => new ZeroedRange(u.Lv, u.Range.OffsetBytes, u.Range.LengthBytes, u.Range.Reason))],
            [.. overwritten.Select(o => new TakenExtents(o.Lv, o.Range.PvId, o.Range.FirstPe, o.Range.PeCount, o.OtherLv))],
            FindingReport.Of(log));
}
