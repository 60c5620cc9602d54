using System.Text.Json;
using SrRescue.Cli.Output;
using SrRescue.Diagnostics;
using SrRescue.Recovery;

namespace SrRescue.Cli.Commands;

/// <summary>The JSON of `doctor`: the same facts as the text, as data.</summary>
internal static class DoctorJson
{
    public static void Write(CliContext ctx, Diagnosis d, FindingLog log)
    {
        using var j = new JsonOut(ctx.Out, "doctor");
        var w = j.W;
        j.Strings("sources", d.Sources);
        j.NullableString("sr_uuid", d.SrUuid);
        j.NullableString("vg", d.VgName);
        j.NullableString("sr_name", d.SrName);
        w.WriteStartArray("faults");
        foreach (var f in d.Faults)
        {
            w.WriteStartObject();
            w.WriteString("id", f.Id.Name());
            w.WriteString("kind", f.Kind.Name());
            w.WriteString("title", f.Title);
            j.Strings("evidence", f.Evidence);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("vdis");
        foreach (var v in d.Vdis)
        {
            JsonSerializer.Serialize(j.W, Reports.VdiReport.Of(v), Reports.ReportJson.Relaxed.VdiReport);
        }

        w.WriteEndArray();
        w.WriteStartArray("plan");
        var n = 1;
        foreach (var s in d.Plan)
        {
            w.WriteStartObject();
            w.WriteNumber("step", n++);
            w.WriteString("tool", s.Tool.ToString().ToLowerInvariant());
            w.WriteBoolean("writes_to_disk", s.WritesToDisk);
            j.Strings("argv", s.Arguments);
            w.WriteString("command", s.CommandLine);
            w.WriteString("why", s.Why);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.Strings("warnings", d.Warnings);
        j.Findings(log);
    }
}
