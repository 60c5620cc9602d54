using SrRescue.Cli.Output;
using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>What `vhd convert` did, as text or as the `srrescue.vhd-convert/1` JSON document.</summary>
internal sealed record VhdConvertReport(
    string Input,
    string Output,
    string Format,
    VhdChain Chain,
    MissingParentRanges Missing,
    long DataBytes,
    long OutputBytes,
    DynamicVhdWriteResult? Vhd)
{
    private const int TextRanges = 20;

    public static void Json(CliContext ctx, VhdConvertReport r, FindingLog log)
    {
        using var j = new JsonOut(ctx.Out, "vhd-convert");
        var w = j.W;
        w.WriteString("input", r.Input);
        w.WriteString("output", r.Output);
        w.WriteString("format", r.Format);
        w.WriteNumber("virtual_size", r.Chain.Disk.Length);
        w.WriteNumber("data_bytes", r.DataBytes);
        w.WriteNumber("output_size", r.OutputBytes);
        w.WriteStartArray("chain");
        for (var i = 0; i < r.Chain.Members.Count; i++)
        {
            var m = r.Chain.Members[i];
            w.WriteStartObject();
            w.WriteString("file", r.Chain.MemberNames[i]);
            w.WriteString("uuid", m.Uuid.ToString());
            w.WriteString("disk_type", m.DiskType.ToString().ToLowerInvariant());
            w.WriteNumber("virtual_size", m.VirtualSizeBytes);
            w.WriteBoolean("hidden", m.IsHidden);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteBoolean("complete", r.Chain.IsComplete);
        j.NullableString("missing_parent", r.Chain.MissingParent);
        w.WriteNumber("missing_bytes", r.Missing.TotalBytes);
        w.WriteBoolean("missing_ranges_truncated", r.Missing.Truncated);
        w.WriteStartArray("missing_ranges");
        foreach (var range in r.Missing.Ranges)
        {
            w.WriteStartObject();
            w.WriteNumber("offset", range.OffsetBytes);
            w.WriteNumber("length", range.LengthBytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (r.Vhd is { } v)
        {
            w.WriteStartObject("vhd");
            w.WriteString("uuid", v.Uuid.ToString());
            w.WriteString("creator", "tap");
            w.WriteString("creator_version", "1.3");
            w.WriteNumber("block_size", 2 << 20);
            w.WriteNumber("block_count", v.BlockCount);
            w.WriteNumber("blocks_written", v.BlocksWritten);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("vhd");
        }

        j.Findings(log);
    }

    public static void Text(CliContext ctx, VhdConvertReport r, FindingLog log)
    {
        var o = ctx.Out;
        var chain = r.Chain;
        var what = r.Vhd is { } v
            ? $"a dynamic VHD (uuid {v.Uuid}, {v.BlocksWritten} of {v.BlockCount} 2 MiB blocks allocated)"
            : "a sparse raw disk";
        o.WriteLine($"Converted {r.Input} to {r.Output}: {what}");
        o.WriteLine($"  virtual size {Units.Bytes(chain.Disk.Length)} ({chain.Disk.Length} bytes), {Units.Bytes(r.DataBytes)} of data, file {Units.Bytes(r.OutputBytes)}");
        o.WriteLine($"  chain of {chain.Depth}: {string.Join(" -> ", chain.MemberNames.Select(Path.GetFileName))}");
        if (!chain.IsComplete)
        {
            o.WriteLine($"  NOT RECOVERED: the parent {chain.MissingParent} is missing; {Units.Bytes(r.Missing.TotalBytes)} ({r.Missing.TotalBytes} bytes) needed it and were written as zeros:");
            foreach (var range in r.Missing.Ranges.Take(TextRanges))
            {
                o.WriteLine($"    bytes {range.OffsetBytes}-{range.EndBytes - 1} ({Units.Bytes(range.LengthBytes)})");
            }

            var more = r.Missing.Ranges.Count - TextRanges;
            if (more > 0 || r.Missing.Truncated)
            {
                o.WriteLine($"    ... and {(r.Missing.Truncated ? "more" : more.ToString())} more ranges (--json lists {r.Missing.Ranges.Count})");
            }
        }

        FindingsText.Write(o, log);
    }
}
