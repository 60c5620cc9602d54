using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>`scan`: the inventory of the LVM layer: PV labels, metadata areas, the newest VG and its LVs with XenServer names.</summary>
internal static class ScanCommand
{
    public static Command Create(CliContext ctx)
    {
        var cmd = new LvmCommand(ctx, "scan", "Inventory of every layer: PV labels (byte offsets), metadata areas and copies, the newest VG and its LVs, findings.");
        return cmd.SetAction((p, lvm, json) =>
        {
            if (json)
            {
                WriteJson(ctx, lvm);
            }
            else
            {
                WriteText(ctx, lvm);
            }

            return lvm.Findings.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success;
        });
    }

    private static void WriteJson(CliContext ctx, LvmInspection lvm)
    {
        using var j = new JsonOut(ctx.Out, "scan");
        var w = j.W;
        w.WriteStartArray("sources");
        foreach (var pv in lvm.Pvs.Pvs)
        {
            w.WriteStartObject();
            w.WriteString("path", pv.Source);
            w.WriteNumber("size", pv.LengthBytes);
            w.WriteNumber("pv_offset", pv.PvOffsetBytes);
            j.NullableString("pv_uuid", pv.PvUuid);
            if (pv.Label is { } label)
            {
                w.WriteStartObject("label");
                w.WriteNumber("offset", pv.LabelOffsetBytes);
                w.WriteNumber("sector", (pv.LabelOffsetBytes - pv.PvOffsetBytes) / 512);
                w.WriteBoolean("crc_ok", label.CrcMatches);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("label");
            }

            j.NullableNumber("device_size", pv.Header?.DeviceSizeBytes);
            j.NullableNumber("data_offset", pv.Header is { DataAreas.Count: > 0 } h ? h.DataAreas[0].OffsetBytes : null);
            w.WriteStartArray("metadata_areas");
            foreach (var a in pv.MetadataAreas)
            {
                w.WriteStartObject();
                w.WriteNumber("number", a.Number);
                w.WriteNumber("offset", a.StartBytes);
                w.WriteNumber("size", a.SizeBytes);
                w.WriteBoolean("header_ok", a.Header is { ChecksumMatches: true });
                w.WriteBoolean("ignored", a.Header?.Committed.IsIgnored ?? false);
                var committed = a.Copies.FirstOrDefault(c => c.IsCommitted);
                j.NullableNumber("committed_seqno", committed?.Seqno);
                j.NullableNumber("committed_offset", committed?.OffsetBytes);
                w.WriteNumber("copies", a.Copies.Count);
                w.WriteNumber("damaged_copies", a.Copies.Count(c => c.HasDamage));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        var newest = lvm.Vg?.Newest;
        if (newest?.Vg is { } vg)
        {
            w.WriteStartObject("vg");
            VgJson.Write(j, vg, lvm, Vhds(lvm, vg));
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("vg");
        }

        w.WriteStartArray("other_vgs");
        foreach (var other in lvm.History.Vgs.Where(v => !ReferenceEquals(v, lvm.Vg)))
        {
            w.WriteStartObject();
            w.WriteString("name", other.VgName);
            w.WriteString("id", other.VgId);
            w.WriteNumber("versions", other.Versions.Count);
            j.NullableNumber("newest_seqno", other.Newest?.Seqno);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.Findings(lvm.Findings);
    }

    private static Dictionary<string, VhdFacts> Vhds(LvmInspection lvm, VgMetadata vg) =>
        VhdInventory.Read(new SrVolumes(lvm), vg.Lvs.Select(l => l.Name)).ToDictionary(v => v.LvName, StringComparer.Ordinal);

    private static void WriteText(CliContext ctx, LvmInspection lvm)
    {
        var o = ctx.Out;
        o.WriteLine("Physical volumes");
        foreach (var pv in lvm.Pvs.Pvs)
        {
            var label = pv.Label is { } l
                ? $"label at byte {pv.LabelOffsetBytes} (sector {(pv.LabelOffsetBytes - pv.PvOffsetBytes) / 512}){(l.CrcMatches ? "" : ", checksum wrong")}"
                : "no LVM label";
            var where = pv.PvOffsetBytes > 0 ? $"{pv.Source} from byte {pv.PvOffsetBytes}" : pv.Source;
            o.WriteLine($"  {where}: {Units.Bytes(pv.LengthBytes)}, PV {pv.PvUuid ?? "unknown"}, {label}");
            foreach (var a in pv.MetadataAreas)
            {
                var committed = a.Copies.FirstOrDefault(c => c.IsCommitted);
                var header = a.Header is null ? "header unreadable" : a.Header.ChecksumMatches ? "header ok" : "header checksum wrong";
                var current = committed is null ? "no committed copy" : $"committed seqno {committed.Seqno} at byte {committed.OffsetBytes}";
                o.WriteLine($"    metadata area {a.Number} at byte {a.StartBytes}, {Units.Bytes(a.SizeBytes)}: {header}, {current}, {a.Copies.Count} copies in the ring ({a.Copies.Count(c => c.HasDamage)} damaged)");
            }
        }

        o.WriteLine();
        var newest = lvm.Vg?.Newest;
        if (newest?.Vg is not { } vg)
        {
            o.WriteLine("No usable volume group metadata was found.");
        }
        else
        {
            var sr = LvName.SrUuidOf(vg.Name);
            o.WriteLine($"Volume group {vg.Name}{(sr is null ? "" : $" (XenServer SR {sr})")}");
            o.WriteLine($"  seqno {vg.Seqno}, extent size {Units.Bytes(vg.ExtentSizeBytes)}, {vg.Pvs.Count} PV(s), {vg.Lvs.Count} LV(s), {lvm.Vg!.Versions.Count} metadata versions found (see 'history')");
            foreach (var pv in vg.Pvs)
            {
                var where = lvm.Pvs.FindPv(pv.Id)?.Name ?? "NOT AMONG THE SOURCES";
                o.WriteLine($"  {pv.Key} = PV {pv.Id} on {where}: {pv.PeCount} extents from byte {pv.PeStartSectors * 512}");
            }

            o.WriteLine();
            var vhds = Vhds(lvm, vg);
            var table = new TextTable("LV", "KIND", "LV SIZE", "VIRTUAL", "VHD USED", "HIDDEN", "PARENT VDI", "DEPTH", "CHECK", "EXTENTS (PV:first-last)");
            foreach (var lv in vg.Lvs)
            {
                var name = LvName.Parse(lv.Name);
                var v = vhds.GetValueOrDefault(lv.Name);
                table.Add(lv.Name, name.Describe(), Units.Bytes(lv.ExtentCount * vg.ExtentSizeBytes),
                    v is null ? "-" : Units.Bytes(v.VirtualSizeBytes), v is null ? "-" : Units.Bytes(v.PhysicalSizeBytes),
                    v is null ? "-" : v.Hidden ? "yes" : "no", v?.ParentLv is { } parent ? LvName.Parse(parent).VdiUuid ?? parent : "-",
                    v is null ? "-" : v.ChainComplete ? $"{v.ChainDepth}" : $"{v.ChainDepth} (parent missing)",
                    v is null ? "-" : v.ErrorCount > 0 ? "ERRORS" : v.WarningCount > 0 ? "warnings" : "ok", VgJson.Ranges(vg, lv));
            }

            table.Write(o);
            foreach (var v in vhds.Values.Where(v => v.Problems.Count > 0))
            {
                o.WriteLine($"  {v.LvName}: {string.Join("; ", v.Problems)}");
            }
        }

        foreach (var other in lvm.History.Vgs.Where(v => !ReferenceEquals(v, lvm.Vg)))
        {
            o.WriteLine($"  Also found: {other.Versions.Count} metadata versions of another VG, {other.VgName} (id {other.VgId}).");
        }

        FindingsText.Write(o, lvm.Findings);
    }
}
