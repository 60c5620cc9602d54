using System.Text.Json.Serialization;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Xen;

namespace SrRescue.Cli.Reports;

/// <summary>
/// The newest VG as scan reports it: its PVs and where they were found, its LVs with their
/// segments and XenServer names, and for a VHD or QCOW2 LV what its image says about itself and its chain.
/// </summary>
internal sealed record ScanVgReport(string Name, string Id, string? SrUuid, long Seqno, long ExtentSize, int Versions,
    IReadOnlyList<ScanVgReport.ScanPv> Pvs, IReadOnlyList<ScanVgReport.ScanLv> Lvs)
{
    /// <summary>An image's check in one word: errors, warnings or ok.</summary>
    internal enum ImageHealth
    {
        Ok,
        Warnings,
        Errors,
    }

    /// <summary>A PV of the VG; <see cref="Source"/> is null when no source carries it.</summary>
    internal sealed record ScanPv(string Key, string Id, string? Source, long PeStart, long PeCount, long? DevSize);

    internal sealed record ScanLv(string Name, string Id, string Kind, string? VdiUuid, long Size, long ExtentCount, bool Visible,
        IReadOnlyList<string> Tags, IReadOnlyList<ScanSegment> Segments, ScanVhd? Vhd, ScanQcow2? Qcow2);

    /// <summary>A segment; <see cref="AreaExtentCount"/> is how many extents each area holds (a stripe's share).</summary>
    internal sealed record ScanSegment(long StartExtent, long ExtentCount, string Type, IReadOnlyList<ScanArea> Areas, [property: JsonIgnore] long AreaExtentCount);

    /// <summary>An area: a PV (with its uuid) or a sub-LV, from its first extent.</summary>
    internal sealed record ScanArea(string Name, string? PvId, long Start);

    internal sealed record ScanVhd(string Uuid, long VirtualSize, long PhysicalSize, bool Hidden, string? ParentVhdUuid, string? ParentLv, string? ParentVdiUuid,
        int ChainDepth, bool ChainComplete, [property: JsonConverter(typeof(SnakeCaseEnum<ImageHealth>))] ImageHealth Check, IReadOnlyList<string> Problems);

    /// <summary>
    /// A QCOW2 image: <see cref="Hidden"/> is XenServer's view (false without the flag), <see cref="HiddenFlag"/>
    /// the 'vate' extension's byte as stored (null when there is none); the backing file as the header names it.
    /// </summary>
    internal sealed record ScanQcow2(int Version, long ClusterSize, long VirtualSize, bool Hidden, bool? HiddenFlag, string? BackingFile, string? BackingFormat,
        string? ParentLv, string? ParentVdiUuid, int ChainDepth, bool ChainComplete,
        [property: JsonConverter(typeof(SnakeCaseEnum<ImageHealth>))] ImageHealth Check, IReadOnlyList<string> Problems);

    /// <param name="images">What the image of each VHD or QCOW2 LV says, by LV name.</param>
    public static ScanVgReport Of(VgMetadata vg, int versions, PvSet pvs, IReadOnlyDictionary<string, ImageFacts> images) =>
        new(vg.Name, vg.Id, LvName.SrUuidOf(vg.Name), vg.Seqno, vg.ExtentSizeBytes, versions,
            [.. vg.Pvs.Select(pv => new ScanPv(pv.Key, pv.Id, pvs.FindPv(pv.Id)?.Name, pv.PeStartSectors * 512, pv.PeCount, pv.DevSizeSectors * 512))],
            [.. vg.Lvs.Select(lv => LvOf(vg, lv, images.GetValueOrDefault(lv.Name)))]);

    private static ScanLv LvOf(VgMetadata vg, LvMetadata lv, ImageFacts? image)
    {
        var name = LvName.Parse(lv.Name);
        return new ScanLv(lv.Name, lv.Id, name.KindId, name.VdiUuid, lv.ExtentCount * vg.ExtentSizeBytes, lv.ExtentCount, lv.IsVisible, lv.Tags,
            [.. lv.Segments.Select(s => new ScanSegment(s.StartExtent, s.ExtentCount, s.Type,
                [.. s.Areas.Select(a => new ScanArea(a.Name, a.IsPv ? vg.FindPvByKey(a.Name)?.Id : null, a.StartIndex))], s.AreaLengthExtents))],
            image?.Kind == LvKind.VhdVdi ? VhdOf(image) : null, image?.Kind == LvKind.Qcow2Vdi ? Qcow2Of(image) : null);
    }

    private static ImageHealth HealthOf(ImageFacts image) =>
        image.ErrorCount > 0 ? ImageHealth.Errors : image.WarningCount > 0 ? ImageHealth.Warnings : ImageHealth.Ok;

    private static string? VdiOf(string? lv) => lv is null ? null : LvName.Parse(lv).VdiUuid;

    /// <summary>A VHD that could not be read at all still gets its line, with an empty uuid and its problem.</summary>
    private static ScanVhd VhdOf(ImageFacts image) =>
        new((image.Vhd?.VhdUuid ?? Guid.Empty).ToString(), image.VirtualSizeBytes, image.Vhd?.PhysicalSizeBytes ?? 0, image.Hidden,
            image.Vhd is { ParentVhdUuid: var p } && p != Guid.Empty ? p.ToString() : null, image.ParentLv, VdiOf(image.ParentLv),
            image.ChainDepth, image.ChainComplete, HealthOf(image), image.Problems);

    /// <summary>A QCOW2 LV whose header could not be read gets its line too, version and cluster size 0.</summary>
    private static ScanQcow2 Qcow2Of(ImageFacts image) =>
        new(image.Qcow2?.Version ?? 0, image.Qcow2?.ClusterSizeBytes ?? 0, image.VirtualSizeBytes, image.Hidden, image.Qcow2?.HiddenFlag,
            image.Qcow2?.BackingFile, image.Qcow2?.BackingFormat, image.ParentLv, VdiOf(image.ParentLv), image.ChainDepth, image.ChainComplete,
            HealthOf(image), image.Problems);
}
