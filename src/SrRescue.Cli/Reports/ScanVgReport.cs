using System.Text.Json.Serialization;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Xen;

namespace SrRescue.Cli.Reports;

/// <summary>
/// The newest VG as scan reports it: its PVs and where they were found, its LVs with their
/// segments and XenServer names, and for a VHD LV what its VHD says about itself and its chain.
/// </summary>
internal sealed record ScanVgReport(string Name, string Id, string? SrUuid, long Seqno, long ExtentSize, int Versions,
    IReadOnlyList<ScanVgReport.ScanPv> Pvs, IReadOnlyList<ScanVgReport.ScanLv> Lvs)
{
    /// <summary>A VHD's check in one word: errors, warnings or ok.</summary>
    internal enum VhdHealth
    {
        Ok,
        Warnings,
        Errors,
    }

    /// <summary>A PV of the VG; <see cref="Source"/> is null when no source carries it.</summary>
    internal sealed record ScanPv(string Key, string Id, string? Source, long PeStart, long PeCount, long? DevSize);

    internal sealed record ScanLv(string Name, string Id, string Kind, string? VdiUuid, long Size, long ExtentCount, bool Visible,
        IReadOnlyList<string> Tags, IReadOnlyList<ScanSegment> Segments, ScanVhd? Vhd);

    /// <summary>A segment; <see cref="AreaExtentCount"/> is how many extents each area holds (a stripe's share).</summary>
    internal sealed record ScanSegment(long StartExtent, long ExtentCount, string Type, IReadOnlyList<ScanArea> Areas, [property: JsonIgnore] long AreaExtentCount);

    /// <summary>An area: a PV (with its uuid) or a sub-LV, from its first extent.</summary>
    internal sealed record ScanArea(string Name, string? PvId, long Start);

    internal sealed record ScanVhd(string Uuid, long VirtualSize, long PhysicalSize, bool Hidden, string? ParentVhdUuid, string? ParentLv, string? ParentVdiUuid,
        int ChainDepth, bool ChainComplete, [property: JsonConverter(typeof(SnakeCaseEnum<VhdHealth>))] VhdHealth Check, IReadOnlyList<string> Problems);

    /// <param name="vhds">What the VHD of each VHD LV says, by LV name.</param>
    public static ScanVgReport Of(VgMetadata vg, int versions, PvSet pvs, IReadOnlyDictionary<string, VhdFacts> vhds) =>
        new(vg.Name, vg.Id, LvName.SrUuidOf(vg.Name), vg.Seqno, vg.ExtentSizeBytes, versions,
            [.. vg.Pvs.Select(pv => new ScanPv(pv.Key, pv.Id, pvs.FindPv(pv.Id)?.Name, pv.PeStartSectors * 512, pv.PeCount, pv.DevSizeSectors * 512))],
            [.. vg.Lvs.Select(lv => LvOf(vg, lv, vhds.GetValueOrDefault(lv.Name)))]);

    private static ScanLv LvOf(VgMetadata vg, LvMetadata lv, VhdFacts? vhd)
    {
        var name = LvName.Parse(lv.Name);
        return new ScanLv(lv.Name, lv.Id, name.KindId, name.VdiUuid, lv.ExtentCount * vg.ExtentSizeBytes, lv.ExtentCount, lv.IsVisible, lv.Tags,
            [.. lv.Segments.Select(s => new ScanSegment(s.StartExtent, s.ExtentCount, s.Type,
                [.. s.Areas.Select(a => new ScanArea(a.Name, a.IsPv ? vg.FindPvByKey(a.Name)?.Id : null, a.StartIndex))], s.AreaLengthExtents))],
            vhd is null ? null : new ScanVhd(vhd.VhdUuid.ToString(), vhd.VirtualSizeBytes, vhd.PhysicalSizeBytes, vhd.Hidden,
                vhd.ParentVhdUuid == Guid.Empty ? null : vhd.ParentVhdUuid.ToString(), vhd.ParentLv, vhd.ParentLv is null ? null : LvName.Parse(vhd.ParentLv).VdiUuid,
                vhd.ChainDepth, vhd.ChainComplete, vhd.ErrorCount > 0 ? VhdHealth.Errors : vhd.WarningCount > 0 ? VhdHealth.Warnings : VhdHealth.Ok, vhd.Problems));
    }
}
