using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `vhd convert`: what was written (format, sizes, and for a VHD its uuid and blocks), the chain it
/// was read through, and the ranges that came from a missing parent (written as zeros).
/// </summary>
internal sealed record VhdConvertReport(string Schema, string Input, string Output, string Format, long VirtualSize, long DataBytes, long OutputSize,
    IReadOnlyList<VhdConvertReport.MemberEntry> Chain, bool Complete, string? MissingParent, long MissingBytes, bool MissingRangesTruncated,
    IReadOnlyList<VhdConvertReport.RangeEntry> MissingRanges, VhdConvertReport.VhdEntry? Vhd, IReadOnlyList<FindingReport> Findings)
{
    internal sealed record MemberEntry(string File, string Uuid, string DiskType, long VirtualSize, bool Hidden);

    internal sealed record RangeEntry(long Offset, long Length);

    /// <summary>The dynamic VHD written: blktap's creator and block size, which <see cref="DynamicVhdWriter"/> always uses.</summary>
    internal sealed record VhdEntry(string Uuid, string Creator, string CreatorVersion, long BlockSize, int BlockCount, int BlocksWritten);

    [JsonIgnore]
    public bool HasErrors => Findings.Any(f => f.Finding.Severity == Severity.Error);

    /// <param name="vhd">What the VHD writer wrote, or null for a raw disk.</param>
    public static VhdConvertReport Of(string input, string output, string format, VhdChain chain, MissingParentRanges missing,
        long dataBytes, long outputBytes, DynamicVhdWriteResult? vhd, FindingLog log) =>
        new("srrescue.vhd-convert/1", input, output, format, chain.Disk.Length, dataBytes, outputBytes,
            [.. chain.Members.Select((m, i) => new MemberEntry(chain.MemberNames[i], m.Uuid.ToString(), m.DiskType.ToString().ToLowerInvariant(), m.VirtualSizeBytes, m.IsHidden))],
            chain.IsComplete, chain.MissingParent, missing.TotalBytes, missing.Truncated, [.. missing.Ranges.Select(r => new RangeEntry(r.OffsetBytes, r.LengthBytes))],
            vhd is null ? null : Written(vhd), FindingReport.Of(log));

    /// <summary>What the VHD writer wrote, as the convert reports give it.</summary>
    public static VhdEntry Written(DynamicVhdWriteResult vhd)
    {
        ArgumentNullException.ThrowIfNull(vhd);
        return new(vhd.Uuid.ToString(), DynamicVhdLayout.TapCreator.TrimEnd('\0'), VhdInfoReport.Version(DynamicVhdLayout.TapVersion),
            DynamicVhdLayout.BlockBytes, vhd.BlockCount, vhd.BlocksWritten);
    }
}
