using System.Globalization;
using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Qcow2;

namespace SrRescue.Cli.Reports;

/// <summary>`qcow2 info`: every header field, the feature bits by name, the header extensions, the backing chain.</summary>
internal sealed record Qcow2InfoReport(string Schema, string File, long FileSize, uint Version, long VirtualSize, long ClusterSize,
    uint L1Entries, ulong L1TableOffset, ulong RefcountTableOffset, uint RefcountTableClusters, int RefcountBits, uint Snapshots,
    string Compression, bool Encrypted, bool? Hidden, Qcow2InfoReport.FeatureEntry Features, string? BackingFile, string? BackingFormat,
    IReadOnlyList<Qcow2InfoReport.ExtensionEntry> Extensions, IReadOnlyList<Qcow2InfoReport.ImageMember> Chain, string? MissingBacking,
    IReadOnlyList<FindingReport> Findings)
{
    internal sealed record FeatureEntry(bool Dirty, bool Corrupt, bool ExternalDataFile, bool ExtendedL2, bool LazyRefcounts, string Incompatible, string Compatible, string Autoclear);

    internal sealed record ExtensionEntry(string Type, string Name, long Offset, int Length);

    internal sealed record ImageMember(string Name, string Format, long VirtualSize, long ClusterSize, bool? Hidden);

    [JsonIgnore]
    public bool HasErrors => Findings.Any(f => f.Finding.Severity == Severity.Error);

    public static Qcow2InfoReport Of(string file, Qcow2Chain chain, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var image = chain.Members[0];
        var h = image.Header;
        var incompatible = h.IncompatibleFeatures;
        return new Qcow2InfoReport("srrescue.qcow2-info/1", file, image.Source.Length, h.Version, image.VirtualSizeBytes, image.ClusterSizeBytes,
            h.L1Entries, h.L1TableOffset, h.RefcountTableOffset, h.RefcountTableClusters, h.RefcountOrder <= 6 ? 1 << (int)h.RefcountOrder : 0, h.SnapshotCount,
            (incompatible & Qcow2Incompatible.CompressionType) != 0 && h.CompressionType == 1 ? "zstd" : "deflate", h.CryptMethod != 0, image.IsHidden,
            new FeatureEntry((incompatible & Qcow2Incompatible.Dirty) != 0, (incompatible & Qcow2Incompatible.Corrupt) != 0,
                (incompatible & Qcow2Incompatible.ExternalDataFile) != 0, h.HasExtendedL2, (h.CompatibleFeatures & 1) != 0,
                Hex((ulong)incompatible), Hex(h.CompatibleFeatures), Hex(h.AutoclearFeatures)),
            image.BackingFileName, image.BackingFormat,
            [.. image.Extensions.Select(e => new ExtensionEntry(Hex(e.Type), e.TypeName, e.Offset, e.Data.Length))],
            Members(chain), chain.MissingBacking, FindingReport.Of(log));
    }

    /// <summary>The chain's images, leaf first, and the raw disk below the last one when there is one.</summary>
    public static IReadOnlyList<ImageMember> Members(Qcow2Chain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var members = chain.Members.Select((m, i) => new ImageMember(chain.MemberNames[i], "qcow2", m.VirtualSizeBytes, m.ClusterSizeBytes, m.IsHidden)).ToList();
        if (chain.LowerDisk is { } lower)
        {
            members.Add(new ImageMember(chain.MemberNames[^1], "raw", lower.Length, 0, null));
        }

        return members;
    }

    private static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
