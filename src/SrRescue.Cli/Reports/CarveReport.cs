using System.Text.Json.Serialization;
using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `carve`: the extent grid, per VDI its extents with confidence and evidence and the file written,
/// the extents nothing claims, the vgcfgrestore file. The same document goes into the output folder
/// (<see cref="ReportFile"/>, the text names it).
/// </summary>
internal sealed record CarveReport(string Schema, IReadOnlyList<string> Sources, string? MetadataFile, string? MetadataIntoVg, CarveReport.GridEntry Grid,
    IReadOnlyList<CarveReport.VdiEntry> Vdis, IReadOnlyList<CarveReport.PlaceEntry> UnaccountedExtents, IReadOnlyList<FindingReport> Findings,
    [property: JsonIgnore] string ReportFile)
{
    internal sealed record GridEntry(long PeStart, long ExtentSize, long ExtentCount, string Evidence);

    /// <summary>One carved VDI and its output; <see cref="ChainConfidence"/> is the lowest of its own and its carved parents'.</summary>
    internal sealed record VdiEntry(string VdiUuid, [property: JsonConverter(typeof(SnakeCaseEnum<VdiUuidSource>))] VdiUuidSource UuidSource,
        IReadOnlyList<string> UuidCandidates, string LvName, string VhdUuid, string Type, bool Hidden, long VirtualSize, long LvSize, string? ParentVhdUuid,
        string? ParentVdiUuid, [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence Confidence,
        [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence ChainConfidence, bool PrimaryFooterFound, string Output,
        string Format, long DataBytes, bool ChainComplete, string? MissingParent, IReadOnlyList<int> UnplacedBlocks, IReadOnlyList<SegmentEntry> Segments,
        IReadOnlyList<ExtentEntry> Extents);

    /// <summary>A run of consecutive extents on one source; <see cref="Pv"/> is the source's index (the text names the source when it is not the first).</summary>
    internal sealed record SegmentEntry(long Le, string Source, long Pe, long Count, long ByteOffset, [property: JsonIgnore] int Pv);

    internal sealed record ExtentEntry(long Le, string Source, long Pe, long ByteOffset, [property: JsonConverter(typeof(SnakeCaseEnum<ExtentConfidence>))] ExtentConfidence Confidence,
        double Score, IReadOnlyList<string> Evidence, IReadOnlyList<long> RivalStarts);

    /// <summary>An extent on a source; <see cref="OnFirstPv"/>: the text names the source only when it is not the first.</summary>
    internal sealed record PlaceEntry(string Source, long Pe, long ByteOffset, [property: JsonIgnore] bool OnFirstPv);

    /// <summary>Whether the VDIs need care before use: none carved, no vgcfgrestore file, a chain without its parent, a guessed extent or a block not placed.</summary>
    [JsonIgnore]
    public bool NeedsCare => Vdis.Count == 0 || MetadataFile is null
        || Vdis.Any(v => !v.ChainComplete || v.ChainConfidence < ExtentConfidence.High || v.UnplacedBlocks.Count > 0);

    public static CarveReport Of(IReadOnlyList<string> sources, CarveResult result, IReadOnlyList<VdiEntry> vdis, FindingLog log, string? metadataFile,
        string? metadataIntoVg, string reportFile)
    {
        var first = result.Place(0).Source;
        return new CarveReport("srrescue.carve/1", sources, metadataFile, metadataIntoVg,
            new GridEntry(result.Grid.PeStartBytes, result.Grid.ExtentSizeBytes, result.Grid.ExtentCount, result.Grid.Evidence), vdis,
            [.. result.UnaccountedPes.Select(result.Place).Select(p => new PlaceEntry(p.Source, p.Pe, p.Offset, p.Source == first))], FindingReport.Of(log), reportFile);
    }

    /// <param name="output">The file the VDI was written to, in <paramref name="format"/>, with <paramref name="dataBytes"/> of data.</param>
    /// <param name="chain">The chain the file was read through.</param>
    public static VdiEntry VdiOf(CarveResult result, CarvedVdi v, string output, string format, long dataBytes, VhdChain chain) =>
        new(v.VdiUuid, v.UuidSource, v.UuidCandidates, v.LvName, v.Vhd.VhdUuid.ToString(), v.Vhd.Start.IsDifferencing ? "differencing" : "dynamic", v.IsHidden,
            v.Image.VirtualSizeBytes, v.Vhd.LvSizeBytes, v.ParentVhdUuid?.ToString(), v.ParentVhdUuid is { } p ? result.FindByVhdUuid(p)?.VdiUuid : null,
            v.Vhd.Confidence, result.ChainConfidence(v), v.Vhd.PrimaryFooterFound, output, format, dataBytes, chain.IsComplete, chain.MissingParent,
            v.Vhd.UnplacedBlocks, [.. result.Segments(v.Vhd).Select(s => new SegmentEntry(s.Le, s.Source, s.Pe, s.Count, s.Offset, s.Pv))],
            [.. v.Vhd.Extents.Select(e => (e, place: result.Place(e.Pe))).Select(x => new ExtentEntry(x.e.Le, x.place.Source, x.place.Pe, x.place.Offset,
                x.e.Confidence, Math.Round(x.e.Score, 2), x.e.Evidence, x.e.RivalVhdStartPes))]);
}
