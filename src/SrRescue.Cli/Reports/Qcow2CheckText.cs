using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="Qcow2CheckCommandReport"/>: qemu-img check's summary, then every finding.</summary>
internal static class Qcow2CheckText
{
    public static void Write(TextWriter o, Qcow2CheckCommandReport r)
    {
        o.WriteLine($"{r.File}: QCOW2 version {r.Version}, virtual size {Units.Bytes(r.VirtualSize)} ({r.VirtualSize} bytes), clusters of {r.ClusterSize} bytes, {r.RefcountBits}-bit refcounts, {r.Snapshots} internal snapshots{(r.Dirty ? ", DIRTY" : "")}");
        o.WriteLine(r.IsClean
            ? "  No errors were found on the image."
            : $"  {r.Corruptions} corruptions, {r.Leaks} leaked clusters, {r.CheckErrors} check errors; {r.Errors} errors and {r.Warnings} warnings below");
        var percent = r.TotalClusters > 0 ? 100.0 * r.AllocatedClusters / r.TotalClusters : 0;
        o.WriteLine($"  {r.AllocatedClusters}/{r.TotalClusters} = {percent:0.00}% allocated, {r.FragmentedClusters} fragmented, {r.CompressedClusters} compressed clusters");
        o.WriteLine($"  image end offset: {r.ImageEndOffset} (file {Units.Bytes(r.FileSize)}, {r.FileSize} bytes){(r.Complete ? "" : "; the check did not reach every table (see the findings)")}");
        FindingsText.Write(o, r.Findings);
    }
}
