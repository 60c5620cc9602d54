using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="PlanDom0Report"/>: the script, what it copies, the notes, the next steps.</summary>
internal static class PlanDom0Text
{
    public static void Write(TextWriter o, PlanDom0Report r)
    {
        o.WriteLine($"Wrote {r.Script}: the dom0 script for step \"{r.Step}\".");
        foreach (var (d, i) in r.Devices.Select((d, i) => (d, i)))
        {
            var size = d.SizeBytes is { } s ? $"{Units.Bytes(s)}" : "size measured by the script";
            o.WriteLine($"  device {i}: {d.Path} ({size}), capture {d.Capture}");
        }

        o.WriteLine(r.CopyBytes is { } n ? $"It reads {Units.Bytes(n)} ({n} bytes) from the device(s)." : "It reads the devices whole.");
        if (r.CaptureRanges.Count > 0)
        {
            var table = new TextTable("DEVICE", "OFFSET", "BYTES", "WHAT");
            foreach (var x in r.CaptureRanges)
            {
                table.Add(x.Device.ToString(System.Globalization.CultureInfo.InvariantCulture), x.OffsetBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    x.LengthBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), x.What);
            }

            table.Write(o);
        }

        foreach (var f in r.Files)
        {
            o.WriteLine($"  {f.Name}: {Units.Bytes(f.SizeBytes)} in {f.Segments.Count} segment(s), seqno {f.Seqno}");
        }

        foreach (var note in r.Notes)
        {
            o.WriteLine($"Note: {note}");
        }

        Commands.FindingsText.Write(o, r.Findings);
        o.WriteLine("Next:");
        foreach (var step in r.Next)
        {
            o.WriteLine($"  {step}");
        }
    }
}
