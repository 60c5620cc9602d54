using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Qcow2;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `qcow2 convert`: what was written (format, sizes, and for a VHD its uuid and blocks), the chain it
/// was read through, and the ranges that came from a missing backing file (written as zeros).
/// </summary>
internal sealed record Qcow2ConvertReport(string Schema, string Input, string Output, string Format, long VirtualSize, long DataBytes, long OutputSize,
    IReadOnlyList<Qcow2InfoReport.ImageMember> Chain, bool Complete, string? MissingBacking, long MissingBytes, bool MissingRangesTruncated,
    IReadOnlyList<VhdConvertReport.RangeEntry> MissingRanges, VhdConvertReport.VhdEntry? Vhd, IReadOnlyList<FindingReport> Findings)
{
    [JsonIgnore]
    public bool HasErrors => Findings.Any(f => f.Finding.Severity == Severity.Error);

    public static Qcow2ConvertReport Of(string input, string output, string format, Qcow2Chain chain, Qcow2MissingRanges missing,
        long dataBytes, long outputBytes, DynamicVhdWriteResult? vhd, FindingLog log)
    {
        return new("srrescue.qcow2-convert/1", input, output, format, chain.Disk.Length, dataBytes, outputBytes, Qcow2InfoReport.Members(chain),
            chain.IsComplete, chain.MissingBacking, missing.TotalBytes, missing.Truncated, [.. missing.Ranges.Select(r => new VhdConvertReport.RangeEntry(r.OffsetBytes, r.LengthBytes))],
            vhd is null ? null : VhdConvertReport.Written(vhd), FindingReport.Of(log));
    }
}
