using SrRescue.Cli.Output;
using SrRescue.Diagnostics;

namespace SrRescue.Cli.Commands;

/// <summary>Prints an <see cref="ExportReport"/> as text or JSON.</summary>
internal static class ExportReportWriter
{
    public static void Json(CliContext ctx, ExportReport r, FindingLog findings)
    {
        using var j = new JsonOut(ctx.Out, "export");
        var w = j.W;
        w.WriteString("lv", r.Lv);
        j.NullableString("vdi", SrRescue.Xen.LvName.Parse(r.Lv).VdiUuid);
        w.WriteNumber("seqno", r.Seqno);
        w.WriteBoolean("in_newest_metadata", r.InNewestMetadata);
        w.WriteString("format", r.Format);
        w.WriteString("output", r.Output);
        w.WriteNumber("size", r.SizeBytes);
        w.WriteNumber("data_bytes", r.DataBytes);
        w.WriteStartArray("chain");
        for (var i = 0; i < r.MemberLvs.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("lv", r.MemberLvs[i]);
            if (r.Chain is not null && i < r.Chain.Members.Count)
            {
                w.WriteString("vhd_uuid", r.Chain.Members[i].Uuid.ToString());
                w.WriteBoolean("hidden", r.Chain.Members[i].IsHidden);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.NullableString("missing_parent", r.Chain?.MissingParent);
        w.WriteStartArray("unmapped");
        foreach (var (lv, u) in r.Unmapped)
        {
            w.WriteStartObject();
            w.WriteString("lv", lv);
            w.WriteNumber("offset", u.OffsetBytes);
            w.WriteNumber("length", u.LengthBytes);
            w.WriteString("reason", u.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("now_used_by_other_lvs");
        foreach (var (lv, range, other) in r.Overwritten)
        {
            w.WriteStartObject();
            w.WriteString("lv", lv);
            w.WriteString("pv_id", range.PvId);
            w.WriteNumber("first_pe", range.FirstPe);
            w.WriteNumber("pe_count", range.PeCount);
            w.WriteString("used_by", other);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.Findings(findings);
    }

    public static void Text(CliContext ctx, ExportReport r, FindingLog findings)
    {
        var o = ctx.Out;
        var what = r.Format switch { "vhd" => "as one dynamic VHD", "raw" => "as a raw disk (sparse)", _ => "(the LV's bytes)" };
        o.WriteLine($"Exported {r.Lv} {what}: {Units.Bytes(r.SizeBytes)}, {Units.Bytes(r.DataBytes)} of data, read through metadata seqno {r.Seqno}{(r.InNewestMetadata ? "" : " (the LV is gone from the newest metadata)")}");
        o.WriteLine($"  to {r.Output}");
        if (r.MemberLvs.Count > 1)
        {
            o.WriteLine($"  chain coalesced: {string.Join(" <- ", r.MemberLvs.Reverse())}");
        }

        if (r.Chain?.MissingParent is { } missing)
        {
            o.WriteLine($"  INCOMPLETE: the parent {missing} was not found; what it held is written as zeros");
        }

        foreach (var (lv, u) in r.Unmapped)
        {
            o.WriteLine($"  NOT RECOVERED: {lv} bytes {u.OffsetBytes}-{u.OffsetBytes + u.LengthBytes - 1} read as zeros: {u.Reason}");
        }

        foreach (var (lv, range, other) in r.Overwritten)
        {
            o.WriteLine($"  WARNING: {lv} extents {range} now belong to {other}; their data may be overwritten");
        }

        FindingsText.Write(o, findings);
    }
}
