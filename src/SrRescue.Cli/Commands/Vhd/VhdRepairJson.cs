using SrRescue.Cli.Output;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>The JSON of `vhd repair` (schema srrescue.vhd-repair/1).</summary>
internal static class VhdRepairJson
{
    public static void Write(JsonOut j, VhdRepairReport r, string source, string output, VhdCheckReport after)
    {
        var w = j.W;
        w.WriteString("source", source);
        w.WriteString("output", output);
        w.WriteNumber("output_size", r.OutputSizeBytes);
        w.WriteString("disk_type", r.DiskType.ToString().ToLowerInvariant());
        w.WriteNumber("virtual_size", r.VirtualSizeBytes);
        w.WriteString("uuid", r.Uuid.ToString());
        w.WriteNumber("block_size", r.BlockSizeBytes);
        w.WriteString("footer_from", Reports.VhdCheckCommandReport.FooterName(r.FooterFrom));
        w.WriteStartArray("actions");
        foreach (var a in r.Actions)
        {
            w.WriteStartObject();
            w.WriteString("structure", a.Structure);
            w.WriteNumber("offset", a.OffsetBytes);
            w.WriteString("field", a.Field);
            w.WriteString("old", a.Old);
            w.WriteString("new", a.New);
            w.WriteString("reason", a.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("blocks_kept", r.BlocksKept);
        w.WriteNumber("orphans_found", r.Orphans.Count);
        w.WriteNumber("orphans_placed", r.Placed.Count());
        w.WriteStartArray("orphans");
        foreach (var o in r.Orphans)
        {
            w.WriteStartObject();
            w.WriteNumber("bitmap_offset", o.BitmapOffsetBytes);
            w.WriteNumber("sectors_present", o.SectorsPresent);
            w.WriteBoolean("full", o.IsFull);
            w.WriteNumber("data_bytes_present", o.DataBytesPresent);
            j.NullableNumber("placed_as_block", o.PlacedAsBlock);
            w.WriteBoolean("inferred", o.Inferred);
            w.WriteStartArray("candidate_blocks");
            foreach (var c in o.CandidateBlocks)
            {
                w.WriteNumberValue(c);
            }

            w.WriteEndArray();
            w.WriteNumber("candidate_count", o.CandidateCount);
            w.WriteString("evidence", o.Evidence);
            j.NullableString("saved_as", o.SavedAs);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("lost");
        foreach (var l in r.Lost)
        {
            w.WriteStartObject();
            w.WriteNumber("block", l.Block);
            w.WriteNumber("bitmap_offset", l.BitmapOffsetBytes);
            w.WriteString("reason", l.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("partial");
        foreach (var p in r.Partial)
        {
            w.WriteStartObject();
            w.WriteNumber("block", p.Block);
            w.WriteNumber("bitmap_offset", p.BitmapOffsetBytes);
            w.WriteNumber("present_bytes", p.PresentBytes);
            w.WriteNumber("block_bytes", p.BlockBytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteBoolean("all_recovered", r.AllRecovered && after.Errors == 0);
        w.WriteStartObject("output_check");
        w.WriteBoolean("clean", after.IsClean);
        w.WriteNumber("errors", after.Errors);
        w.WriteNumber("warnings", after.Warnings);
        w.WriteStartArray("codes");
        foreach (var code in after.Findings.Where(f => f.Severity != Diagnostics.Severity.Info).Select(f => f.Code).Distinct(StringComparer.Ordinal))
        {
            w.WriteStringValue(code);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
