using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;
using SrRescue.Xen;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="ScanReport"/>: the PVs and their metadata areas, the VG and its LV table, the other VGs, the findings.</summary>
internal static class ScanText
{
    public static void Write(TextWriter o, ScanReport r)
    {
        o.WriteLine("Physical volumes");
        foreach (var pv in r.Sources)
        {
            var label = pv.Label is { } l ? $"label at byte {l.Offset} (sector {l.Sector}){(l.CrcOk ? "" : ", checksum wrong")}" : "no LVM label";
            var where = pv.PvOffset > 0 ? $"{pv.Path} from byte {pv.PvOffset}" : pv.Path;
            o.WriteLine($"  {where}: {Units.Bytes(pv.Size)}, PV {pv.PvUuid ?? "unknown"}, {label}");
            foreach (var a in pv.MetadataAreas)
            {
                var header = !a.HeaderReadable ? "header unreadable" : a.HeaderOk ? "header ok" : "header checksum wrong";
                var current = a.CommittedSeqno is { } seqno ? $"committed seqno {seqno} at byte {a.CommittedOffset}" : "no committed copy";
                o.WriteLine($"    metadata area {a.Number} at byte {a.Offset}, {Units.Bytes(a.Size)}: {header}{(a.Ignored ? " (LVM ignores this area)" : "")}, {current}, {a.Copies} copies in the ring ({a.DamagedCopies} damaged)");
            }
        }

        o.WriteLine();
        if (r.Vg is not { } vg)
        {
            o.WriteLine("No usable volume group metadata was found.");
        }
        else
        {
            WriteVg(o, vg);
        }

        foreach (var other in r.OtherVgs)
        {
            o.WriteLine($"  Also found: {other.Versions} metadata versions of another VG, {other.Name} (id {other.Id}){(other.NewestSeqno is { } s ? $", the newest seqno {s}" : "")}.");
        }

        FindingsText.Write(o, r.Findings);
    }

    private static void WriteVg(TextWriter o, ScanVgReport vg)
    {
        o.WriteLine($"Volume group {vg.Name}{(vg.SrUuid is { } sr ? $" (XenServer SR {sr})" : "")}");
        o.WriteLine($"  seqno {vg.Seqno}, extent size {Units.Bytes(vg.ExtentSize)}, {vg.Pvs.Count} PV(s), {vg.Lvs.Count} LV(s), {vg.Versions} metadata versions found (see 'history')");
        foreach (var pv in vg.Pvs)
        {
            o.WriteLine($"  {pv.Key} = PV {pv.Id} on {pv.Source ?? "NOT AMONG THE SOURCES"}: {pv.PeCount} extents from byte {pv.PeStart}");
        }

        o.WriteLine();
        var table = new TextTable("LV", "KIND", "LV SIZE", "VIRTUAL", "VHD USED", "HIDDEN", "PARENT VDI", "DEPTH", "CHECK", "EXTENTS (PV:first-last)");
        foreach (var lv in vg.Lvs)
        {
            var v = ImageOf(lv);
            table.Add(lv.Name, LvName.Parse(lv.Name).Describe(), Units.Bytes(lv.Size),
                v is null ? "-" : Units.Bytes(v.Value.VirtualSize), lv.Vhd is { } vhd ? Units.Bytes(vhd.PhysicalSize) : "-",
                v is null ? "-" : v.Value.Hidden ? "yes" : "no", v?.ParentVdiUuid ?? v?.ParentLv ?? "-",
                v is null ? "-" : v.Value.ChainComplete ? $"{v.Value.ChainDepth}" : $"{v.Value.ChainDepth} (parent missing)",
                v is null ? "-" : v.Value.Check == ScanVgReport.ImageHealth.Errors ? "ERRORS" : v.Value.Check == ScanVgReport.ImageHealth.Warnings ? "warnings" : "ok", Ranges(lv));
        }

        table.Write(o);
        foreach (var lv in vg.Lvs.Where(l => l.Qcow2 is not null))
        {
            var q = lv.Qcow2!;
            var flag = q.HiddenFlag is { } h ? $"hidden flag {(h ? 1 : 0)}" : "no hidden flag (no 'vate' extension)";
            o.WriteLine($"  {lv.Name}: QCOW2 v{q.Version}, {Units.Bytes(q.ClusterSize)} clusters, {flag}, " +
                (q.BackingFile is { } b ? $"backing file {b}{(q.BackingFormat is { } f ? $" ({f})" : "")}{(q.ParentLv is { } p ? $" = LV {p}" : "")}" : "no backing file"));
        }

        foreach (var lv in vg.Lvs.Where(l => ImageOf(l) is { Problems.Count: > 0 }))
        {
            o.WriteLine($"  {lv.Name}: {string.Join("; ", ImageOf(lv)!.Value.Problems)}");
        }
    }

    /// <summary>The columns a VHD and a QCOW2 image share.</summary>
    private static (long VirtualSize, bool Hidden, string? ParentLv, string? ParentVdiUuid, int ChainDepth, bool ChainComplete, ScanVgReport.ImageHealth Check, IReadOnlyList<string> Problems)? ImageOf(ScanVgReport.ScanLv lv) =>
        lv.Vhd is { } v ? (v.VirtualSize, v.Hidden, v.ParentLv, v.ParentVdiUuid, v.ChainDepth, v.ChainComplete, v.Check, v.Problems)
        : lv.Qcow2 is { } q ? (q.VirtualSize, q.Hidden, q.ParentLv, q.ParentVdiUuid, q.ChainDepth, q.ChainComplete, q.Check, q.Problems)
        : null;

    /// <summary>PE ranges the way lvs -o seg_pe_ranges prints them: pvN:first-last.</summary>
    private static string Ranges(ScanVgReport.ScanLv lv) =>
        string.Join(" ", lv.Segments.SelectMany(s => s.Areas.Select(a => $"{a.Name}:{a.Start}-{a.Start + s.AreaExtentCount - 1}")));
}
