using SrRescue.Diagnostics;
using SrRescue.Recovery.Dom0;

namespace SrRescue.Cli.Reports;

/// <summary>`plan dom0`: the script written, what it reads from which device and where it puts it, the notes, and what to do next.</summary>
internal sealed record PlanDom0Report(string Schema, string Step, string Script, IReadOnlyList<PlanDom0Report.Device> Devices, long? CopyBytes,
    IReadOnlyList<PlanDom0Report.Range> CaptureRanges, IReadOnlyList<PlanDom0Report.File> Files, string? Ssh, IReadOnlyList<string> Notes,
    IReadOnlyList<string> Next, IReadOnlyList<FindingReport> Findings)
{
    public sealed record Device(string Path, long? SizeBytes, string Capture);

    /// <summary>Bytes of device number <see cref="Device"/> at <see cref="OffsetBytes"/>, put at <see cref="TargetOffsetBytes"/> of the capture or file.</summary>
    public sealed record Range(int Device, long OffsetBytes, long LengthBytes, long TargetOffsetBytes, long BlockBytes, string What);

    public sealed record File(string Name, string Lv, long SizeBytes, long Seqno, IReadOnlyList<Range> Segments);

    public static PlanDom0Report Of(Dom0Plan plan, string script, IReadOnlyList<Finding> findings)
    {
        var step = plan.Step.ToString().ToLowerInvariant();
        return new PlanDom0Report("srrescue.plan-dom0/1", step, script, [.. plan.Devices.Select(d => new Device(d.Path, d.SizeBytes, d.Capture))],
            plan.CopyBytes, [.. plan.CaptureRanges.Select(Of)], [.. plan.Files.Select(f => new File(f.Name, f.LvName, f.SizeBytes, f.Seqno, [.. f.Ranges.Select(Of)]))],
            plan.Ssh, plan.Notes, NextSteps(plan, script), [.. findings.Select(f => new FindingReport(f))]);
    }

    private static Range Of(DeviceRange r) => new(r.Device, r.OffsetBytes, r.LengthBytes, r.TargetOffsetBytes, r.BlockBytes, r.What);

    private static IReadOnlyList<string> NextSteps(Dom0Plan plan, string script)
    {
        var captures = string.Join(' ', plan.Devices.Select(d => d.Capture));
        return plan.Step switch
        {
            Dom0Step.Head =>
            [
                $"on dom0, in an empty directory: sh {Path.GetFileName(script)}",
                $"copy {captures} (each with its .manifest) and lvm-backup/ (if made) here",
                $"srrescue plan dom0 {captures} -o step2.sh",
            ],
            Dom0Step.Capture =>
            [
                $"on dom0, in the directory with the captures: sh {Path.GetFileName(script)}",
                $"copy {captures} and the manifests here again",
                $"srrescue list {captures}",
                $"srrescue plan dom0 {captures} --vdi UUID -o step3.sh (or --all)",
            ],
            Dom0Step.Extract =>
            [
                $"on dom0: sh {Path.GetFileName(script)}",
                plan.Ssh is null ? "copy the files it writes and SHA256SUMS here" : $"the files go to {plan.Ssh}",
                "sha256sum -c SHA256SUMS",
                .. plan.Files.Take(1).Select(f => f.Name.StartsWith("QCOW2-", StringComparison.Ordinal)
                    ? $"srrescue qcow2 convert {f.Name} -o disk.raw --format raw"
                    : $"srrescue vhd convert {f.Name} -o disk.raw --format raw"),
            ],
            _ =>
            [
                $"on dom0: sh {Path.GetFileName(script)}",
                "copy the .img files and SHA256SUMS here; sha256sum -c SHA256SUMS",
                $"srrescue carve {string.Join(' ', plan.Devices.Select(d => Path.ChangeExtension(d.Capture, ".img")))} -o carved",
            ],
        };
    }
}
