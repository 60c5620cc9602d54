using System.Globalization;
using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>`vhd info`: every field of both footers, the header with its locators, the batmap, the chain; <see cref="Type"/> and <see cref="UsesPrimary"/> are for the text.</summary>
internal sealed record VhdInfoReport(string Schema, string File, long FileSize, string Uuid, string DiskType, long VirtualSize, bool Hidden,
    VhdInfoReport.FooterEntry? Footer, VhdInfoReport.FooterEntry? FooterCopy, string FooterUsed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VhdInfoReport.HeaderEntry? Header,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? BatEntries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? AllocatedBlocks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? EndOfData,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VhdInfoReport.BatmapEntry? Batmap,
    IReadOnlyList<VhdInfoReport.ChainMember> Chain, string? MissingParent, IReadOnlyList<FindingReport> Findings,
    [property: JsonIgnore] VhdDiskType Type, [property: JsonIgnore] bool UsesPrimary)
{
    internal sealed record FooterEntry(string Cookie, string Features, string FormatVersion, ulong? DataOffset, string Created, string CreatorApp,
        string CreatorVersion, string CreatorOs, ulong OriginalSize, ulong CurrentSize, string Geometry, string DiskType, string Checksum, bool ChecksumOk,
        string Uuid, int SavedState, int Hidden, [property: JsonIgnore] DateTime CreatedUtc, [property: JsonIgnore] bool IsPoisoned);

    internal sealed record HeaderEntry(long TableOffset, uint MaxTableEntries, uint BlockSize, string Version, string Checksum, bool ChecksumOk,
        string ParentUuid, string ParentName, string ParentTime, IReadOnlyList<LocatorEntry> Locators, IReadOnlyList<string> ParentNames);

    internal sealed record LocatorEntry(string Code, long Offset, uint Space, uint Length);

    internal sealed record BatmapEntry(long Offset, uint Sectors, string Version, bool ChecksumOk, uint Marker, bool Encrypted);

    internal sealed record ChainMember(string Name, string Uuid, string DiskType, bool Hidden);

    /// <summary>Whether the VHD is a differencing one, as the text shows its parent only then.</summary>
    [JsonIgnore]
    public bool IsDifferencing => Type == VhdDiskType.Differencing;

    /// <summary>A fixed VHD has no footer copy at offset 0.</summary>
    [JsonIgnore]
    public bool IsFixed => Type == VhdDiskType.Fixed;

    /// <summary>The footer the reader went by.</summary>
    [JsonIgnore]
    public FooterEntry UsedFooter => (UsesPrimary ? Footer : FooterCopy)!;

    /// <summary>Whether reading it found an error (the exit code says so).</summary>
    [JsonIgnore]
    public bool HasErrors => Findings.Any(f => f.Finding.Severity == Severity.Error);

    /// <summary>Whether the chain reached a VHD without parent.</summary>
    [JsonIgnore]
    public bool IsComplete => MissingParent is null;

    /// <summary>A VHD version field as major.minor.</summary>
    public static string Version(uint v) => $"{v >> 16}.{v & 0xFFFF}";

    private static long Clamp(ulong v) => (long)Math.Min(v, long.MaxValue);

    public static VhdInfoReport Of(VhdImage image, VhdChain chain, IReadOnlyList<string> parentNames, FindingLog log)
    {
        var h = image.Header;
        return new VhdInfoReport("srrescue.vhd-info/1", image.Name, image.Source.Length, image.Uuid.ToString(), image.DiskType.ToString().ToLowerInvariant(),
            image.VirtualSizeBytes, image.IsHidden, FooterOf(image.PrimaryFooter), FooterOf(image.BackupFooter),
            VhdCheckCommandReport.FooterName(ReferenceEquals(image.Footer, image.PrimaryFooter) ? Vhd.FooterCopy.Primary : Vhd.FooterCopy.CopyAtOffset0),
            h is null ? null : new HeaderEntry(Clamp(h.TableOffset), h.MaxTableEntries, h.BlockSizeBytes, Version(h.HeaderVersion), $"{h.StoredChecksum:x8}",
                h.ChecksumMatches, h.ParentUuid.ToString(), h.ParentName, VhdTime.ToDateTime(h.ParentTimestamp).ToString("o", CultureInfo.InvariantCulture),
                [.. h.Locators.Where(l => l.IsUsed).Select(l => new LocatorEntry(l.CodeName, Clamp(l.DataOffset), l.DataSpace, l.DataLength))], parentNames),
            h is null ? null : image.Bat.Count, h is null ? null : image.AllocatedBlocks, h is null ? null : image.EndOfDataBytes,
            image.BatmapHeader is { } b ? new BatmapEntry(Clamp(b.BatmapOffset), b.BatmapSectors, Version(b.Version), image.BatmapValid, b.Marker, b.IsEncrypted) : null,
            [.. chain.Members.Select((m, i) => new ChainMember(chain.MemberNames[i], m.Uuid.ToString(), m.DiskType.ToString().ToLowerInvariant(), m.IsHidden))],
            chain.MissingParent, FindingReport.Of(log), image.Footer.DiskType, ReferenceEquals(image.Footer, image.PrimaryFooter));
    }

    private static FooterEntry? FooterOf(VhdFooter? f) => f is null ? null : new FooterEntry(
        f.IsPoisoned ? "v_poison" : "conectix", $"{f.Features:x8}", Version(f.FormatVersion), f.DataOffset == VhdFooter.NoDataOffset ? null : f.DataOffset,
        f.CreatedUtc.ToString("o", CultureInfo.InvariantCulture), f.CreatorApp.TrimEnd('\0'), Version(f.CreatorVersion), $"{f.CreatorOs:x8}",
        f.OriginalSizeBytes, f.CurrentSizeBytes, $"{f.Geometry >> 16}/{(f.Geometry >> 8) & 0xFF}/{f.Geometry & 0xFF}", f.DiskType.ToString().ToLowerInvariant(),
        $"{f.StoredChecksum:x8}", f.ChecksumMatches || f.ChecksumMatchesWithoutHidden, f.Uuid.ToString(), f.SavedState, f.Hidden, f.CreatedUtc, f.IsPoisoned);
}
