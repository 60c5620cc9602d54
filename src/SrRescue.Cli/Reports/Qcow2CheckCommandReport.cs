using System.Text.Json.Serialization;
using SrRescue.Qcow2;

namespace SrRescue.Cli.Reports;

/// <summary>`qcow2 check`: the numbers `qemu-img check --output=json` gives, and every problem as a finding.</summary>
internal sealed record Qcow2CheckCommandReport(string Schema, string File, long FileSize, uint Version, long ClusterSize, long VirtualSize, int RefcountBits,
    int Snapshots, bool Dirty, long CheckErrors, long Corruptions, long Leaks, long AllocatedClusters, long TotalClusters, long CompressedClusters,
    long FragmentedClusters, long ImageEndOffset, bool Complete, int Errors, int Warnings, IReadOnlyList<FindingReport> Findings)
{
    [JsonIgnore]
    public bool IsClean => CheckErrors == 0 && Corruptions == 0 && Leaks == 0 && Errors == 0;

    public static Qcow2CheckCommandReport Of(string file, Qcow2CheckReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new("srrescue.qcow2-check/1", file, r.FileSizeBytes, r.Version, r.ClusterSizeBytes, r.VirtualSizeBytes, r.RefcountBits, r.SnapshotCount,
            r.IsDirty, r.CheckErrors, r.Corruptions, r.Leaks, r.AllocatedClusters, r.TotalClusters, r.CompressedClusters, r.FragmentedClusters,
            r.ImageEndOffset, r.IsComplete, r.Errors, r.Warnings, [.. r.Findings.Select(f => new FindingReport(f))]);
    }
}
