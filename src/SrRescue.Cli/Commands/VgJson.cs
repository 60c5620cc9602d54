using SrRescue.Cli.Output;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>The JSON shape of a VG and its LVs, shared by scan and history.</summary>
internal static class VgJson
{
    public static void Write(JsonOut j, VgMetadata vg, LvmInspection lvm, IReadOnlyDictionary<string, VhdFacts>? vhds = null)
    {
        var w = j.W;
        w.WriteString("name", vg.Name);
        w.WriteString("id", vg.Id);
        j.NullableString("sr_uuid", LvName.SrUuidOf(vg.Name));
        w.WriteNumber("seqno", vg.Seqno);
        w.WriteNumber("extent_size", vg.ExtentSizeBytes);
        w.WriteStartArray("pvs");
        foreach (var pv in vg.Pvs)
        {
            w.WriteStartObject();
            w.WriteString("key", pv.Key);
            w.WriteString("id", pv.Id);
            j.NullableString("source", lvm.Pvs.FindPv(pv.Id)?.Name);
            w.WriteNumber("pe_start", pv.PeStartSectors * 512);
            w.WriteNumber("pe_count", pv.PeCount);
            j.NullableNumber("dev_size", pv.DevSizeSectors * 512);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("lvs");
        foreach (var lv in vg.Lvs)
        {
            Lv(j, vg, lv, vhds?.GetValueOrDefault(lv.Name));
        }

        w.WriteEndArray();
    }

    public static void Lv(JsonOut j, VgMetadata vg, LvMetadata lv, VhdFacts? vhd = null)
    {
        var w = j.W;
        var name = LvName.Parse(lv.Name);
        w.WriteStartObject();
        w.WriteString("name", lv.Name);
        w.WriteString("id", lv.Id);
        w.WriteString("kind", name.KindId);
        j.NullableString("vdi_uuid", name.VdiUuid);
        w.WriteNumber("size", lv.ExtentCount * vg.ExtentSizeBytes);
        w.WriteNumber("extent_count", lv.ExtentCount);
        w.WriteBoolean("visible", lv.IsVisible);
        j.Strings("tags", lv.Tags);
        w.WriteStartArray("segments");
        foreach (var s in lv.Segments)
        {
            w.WriteStartObject();
            w.WriteNumber("start_extent", s.StartExtent);
            w.WriteNumber("extent_count", s.ExtentCount);
            w.WriteString("type", s.Type);
            w.WriteStartArray("areas");
            foreach (var a in s.Areas)
            {
                w.WriteStartObject();
                w.WriteString("name", a.Name);
                j.NullableString("pv_id", a.IsPv ? vg.FindPvByKey(a.Name)?.Id : null);
                w.WriteNumber("start", a.StartIndex);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Vhd(j, vhd);
        w.WriteEndObject();
    }

    private static void Vhd(JsonOut j, VhdFacts? vhd)
    {
        var w = j.W;
        if (vhd is null)
        {
            w.WriteNull("vhd");
            return;
        }

        w.WriteStartObject("vhd");
        w.WriteString("uuid", vhd.VhdUuid.ToString());
        w.WriteNumber("virtual_size", vhd.VirtualSizeBytes);
        w.WriteNumber("physical_size", vhd.PhysicalSizeBytes);
        w.WriteBoolean("hidden", vhd.Hidden);
        j.NullableString("parent_vhd_uuid", vhd.ParentVhdUuid == Guid.Empty ? null : vhd.ParentVhdUuid.ToString());
        j.NullableString("parent_lv", vhd.ParentLv);
        j.NullableString("parent_vdi_uuid", vhd.ParentLv is null ? null : LvName.Parse(vhd.ParentLv).VdiUuid);
        w.WriteNumber("chain_depth", vhd.ChainDepth);
        w.WriteBoolean("chain_complete", vhd.ChainComplete);
        w.WriteString("check", vhd.ErrorCount > 0 ? "errors" : vhd.WarningCount > 0 ? "warnings" : "ok");
        j.Strings("problems", vhd.Problems);
        w.WriteEndObject();
    }

    /// <summary>PE ranges the way lvs -o seg_pe_ranges prints them: pvN:first-last.</summary>
    public static string Ranges(VgMetadata vg, LvMetadata lv) =>
        string.Join(" ", lv.Segments.SelectMany(s => s.Areas.Select(a =>
            $"{a.Name}:{a.StartIndex}-{a.StartIndex + s.AreaLengthExtents - 1}")));
}
