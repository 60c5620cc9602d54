using System.Text.Json.Serialization;
using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Qcow2;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `carve`: the extent grid, per VDI its extents with confidence and evidence and the file written,
/// the extents nothing claims, the vgcfgrestore file. The same document goes into the output folder
/// (<see cref="ReportFile"/>, the text names it). QCOW2 VDIs have a list of their own
/// (<see cref="Qcow2Vdis"/>): they share the extents and the output but not the VHD's facts (footer
/// uuid, blocks, parent uuid) and have their own (backing file, cluster size, the extents they use).
/// </summary>
internal sealed record CarveReport(string Schema, IReadOnlyList<string> Sources, string? MetadataFile, string? MetadataIntoVg, CarveReport.GridEntry Grid,
    IReadOnlyList<CarveReport.VdiEntry> Vdis, IReadOnlyList<CarveReport.Qcow2VdiEntry> Qcow2Vdis, IReadOnlyList<CarveReport.PlaceEntry> UnaccountedExtents,
    IReadOnlyList<FindingReport> Findings, [property: JsonIgnore] string ReportFile)
{
    internal sealed record GridEntry(long PeStart, long ExtentSize, long ExtentCount, string Evidence);

    /// <summary>One carved VDI and its output; <see cref="ChainConfidence"/> is the lowest of its own and its carved parents'.</summary>
    internal sealed record VdiEntry(string VdiUuid, [property: JsonConverter(typeof(SnakeCaseEnum<VdiUuidSource>))] VdiUuidSource UuidSource,
        IReadOnlyList<string> UuidCandidates, string LvName, string VhdUuid, string Type, bool Hidden, long VirtualSize, long LvSize, string? ParentVhdUuid,
        string? ParentVdiUuid, [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence Confidence,
        [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence ChainConfidence, bool PrimaryFooterFound, string Output,
        string Format, long DataBytes, bool ChainComplete, string? MissingParent, IReadOnlyList<int> UnplacedBlocks, IReadOnlyList<SegmentEntry> Segments,
        IReadOnlyList<ExtentEntry> Extents);

    /// <summary>
    /// One carved QCOW2 VDI and its output. <see cref="BackingVdiUuid"/>: the uuid its backing file
    /// name gives; <see cref="ParentLvName"/>: the carved image linked as that backing file, or
    /// <see cref="ParentCandidateStarts"/> (first extents) when several could be it.
    /// <see cref="ReferencedExtents"/>: the extents its tables and clusters reach into;
    /// <see cref="SizeRuleExtents"/>: sm's LV size for its virtual size.
    /// </summary>
    internal sealed record Qcow2VdiEntry(string VdiUuid, [property: JsonConverter(typeof(SnakeCaseEnum<VdiUuidSource>))] VdiUuidSource UuidSource,
        IReadOnlyList<string> UuidCandidates, string LvName, long StartPe, bool Hidden, long VirtualSize, long ClusterSize, long LvSize, long ReferencedExtents,
        long SizeRuleExtents, string? BackingFile, string? BackingVdiUuid, string? ParentLvName, IReadOnlyList<long> ParentCandidateStarts,
        [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence Confidence,
        [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence ChainConfidence, string Output, string Format, long DataBytes,
        bool ChainComplete, string? MissingBacking, IReadOnlyList<SegmentEntry> Segments, IReadOnlyList<ExtentEntry> Extents);

    /// <summary>A run of consecutive extents on one source; <see cref="Pv"/> is the source's index (the text names the source when it is not the first).</summary>
    internal sealed record SegmentEntry(long Le, string Source, long Pe, long Count, long ByteOffset, [property: JsonIgnore] int Pv);

    internal sealed record ExtentEntry(long Le, string Source, long Pe, long ByteOffset, [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence Confidence,
        double Score, IReadOnlyList<string> Evidence, IReadOnlyList<long> RivalStarts);

    /// <summary>An extent on a source; <see cref="OnFirstPv"/>: the text names the source only when it is not the first.</summary>
    internal sealed record PlaceEntry(string Source, long Pe, long ByteOffset, [property: JsonIgnore] bool OnFirstPv);

    /// <summary>Whether the VDIs need care before use: none carved, no vgcfgrestore file, a chain without its parent, a guessed extent or a block not placed.</summary>
    [JsonIgnore]
    public bool NeedsCare => Vdis.Count + Qcow2Vdis.Count == 0 || MetadataFile is null
        || Vdis.Any(v => !v.ChainComplete || v.ChainConfidence < ExtentConfidence.High || v.UnplacedBlocks.Count > 0)
        || Qcow2Vdis.Any(v => !v.ChainComplete || v.ChainConfidence < ExtentConfidence.High);

    public static CarveReport Of(IReadOnlyList<string> sources, CarveResult result, IReadOnlyList<VdiEntry> vdis, IReadOnlyList<Qcow2VdiEntry> qcow2Vdis, FindingLog log,
        string? metadataFile, string? metadataIntoVg, string reportFile)
    {
        var first = result.Place(0).Source;
        return new CarveReport("srrescue.carve/1", sources, metadataFile, metadataIntoVg,
            new GridEntry(result.Grid.PeStartBytes, result.Grid.ExtentSizeBytes, result.Grid.ExtentCount, result.Grid.Evidence), vdis, qcow2Vdis,
            [.. result.UnaccountedPes.Select(result.Place).Select(p => new PlaceEntry(p.Source, p.Pe, p.Offset, p.Source == first))], FindingReport.Of(log), reportFile);
    }

    /// <param name="output">The file the VDI was written to, in <paramref name="format"/>, with <paramref name="dataBytes"/> of data.</param>
    /// <param name="chain">The chain the file was read through.</param>
    public static Qcow2VdiEntry Qcow2Of(CarveResult result, CarvedQcow2Vdi v, string output, string format, long dataBytes, Qcow2Chain chain) =>
        new(v.VdiUuid, v.UuidSource, v.UuidCandidates, v.LvName, result.Place(v.StartPe).Pe, v.IsHidden, v.Image.VirtualSizeBytes, v.Image.ClusterSizeBytes,
            v.Carved.LvSizeBytes, v.Carved.ReferencedExtents, v.Carved.SizeRuleExtents, v.Image.BackingFileName, v.BackingVdiUuid,
            v.ParentStartPe is { } p ? result.FindQcow2ByStartPe(p)?.LvName : null, [.. v.ParentCandidatePes.Select(pe => result.Place(pe).Pe)],
            v.Carved.Confidence, result.ChainConfidence(v), output, format, dataBytes, chain.IsComplete, chain.MissingBacking,
            Segments(result, v.Carved.Extents), Extents(result, v.Carved.Extents));

    /// <param name="output">The file the VDI was written to, in <paramref name="format"/>, with <paramref name="dataBytes"/> of data.</param>
    /// <param name="chain">The chain the file was read through.</param>
    public static VdiEntry VdiOf(CarveResult result, CarvedVdi v, string output, string format, long dataBytes, VhdChain chain) =>
        new(v.VdiUuid, v.UuidSource, v.UuidCandidates, v.LvName, v.Vhd.VhdUuid.ToString(), v.Vhd.Start.IsDifferencing ? "differencing" : "dynamic", v.IsHidden,
            v.Image.VirtualSizeBytes, v.Vhd.LvSizeBytes, v.ParentVhdUuid?.ToString(), v.ParentVhdUuid is { } p ? result.FindByVhdUuid(p)?.VdiUuid : null,
            v.Vhd.Confidence, result.ChainConfidence(v), v.Vhd.PrimaryFooterFound, output, format, dataBytes, chain.IsComplete, chain.MissingParent,
            v.Vhd.UnplacedBlocks, Segments(result, v.Vhd.Extents), Extents(result, v.Vhd.Extents));

    private static List<SegmentEntry> Segments(CarveResult result, IReadOnlyList<CarvedExtent> extents) =>
        [.. result.Segments(extents).Select(s => new SegmentEntry(s.Le, s.Source, s.Pe, s.Count, s.Offset, s.Pv))];

    private static List<ExtentEntry> Extents(CarveResult result, IReadOnlyList<CarvedExtent> extents) =>
        [.. extents.Select(e => (e, place: result.Place(e.Pe))).Select(x => new ExtentEntry(x.e.Le, x.place.Source, x.place.Pe, x.place.Offset,
            x.e.Confidence, Math.Round(x.e.Score, 2), x.e.Evidence, x.e.RivalVhdStartPes))];
}
