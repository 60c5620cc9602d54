using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="Qcow2InfoReport"/>, for people.</summary>
internal static class Qcow2InfoText
{
    public static void Write(TextWriter o, Qcow2InfoReport r)
    {
        var hidden = r.Hidden switch { true => ", HIDDEN (a base copy)", false => ", not hidden", null => "" };
        o.WriteLine($"{r.File}: QCOW2 version {r.Version}, virtual size {Units.Bytes(r.VirtualSize)} ({r.VirtualSize} bytes), file {Units.Bytes(r.FileSize)}{hidden}");
        o.WriteLine($"  clusters of {Units.Bytes(r.ClusterSize)}{(r.Features.ExtendedL2 ? " with 32 subclusters (extended L2)" : "")}, compression {r.Compression}{(r.Encrypted ? ", ENCRYPTED" : "")}");
        o.WriteLine($"  L1 table: {r.L1Entries} entries at byte {r.L1TableOffset}; refcount table: {r.RefcountTableClusters} clusters at byte {r.RefcountTableOffset}, {r.RefcountBits}-bit refcounts; {r.Snapshots} internal snapshots");
        var flags = new List<string>();
        if (r.Features.Dirty)
        {
            flags.Add("DIRTY (refcounts may be stale)");
        }

        if (r.Features.Corrupt)
        {
            flags.Add("MARKED CORRUPT by qemu");
        }

        if (r.Features.ExternalDataFile)
        {
            flags.Add("EXTERNAL DATA FILE");
        }

        if (r.Features.LazyRefcounts)
        {
            flags.Add("lazy refcounts");
        }

        o.WriteLine($"  features: incompatible {r.Features.Incompatible}, compatible {r.Features.Compatible}, autoclear {r.Features.Autoclear}{(flags.Count > 0 ? " (" + string.Join(", ", flags) + ")" : "")}");
        foreach (var e in r.Extensions)
        {
            o.WriteLine($"  extension {e.Type} ({e.Name}) at byte {e.Offset}, {e.Length} bytes");
        }

        if (r.BackingFile is { } backing)
        {
            o.WriteLine($"  backing file: '{backing}'{(r.BackingFormat is { } f ? $", format {f}" : "")}");
        }

        o.WriteLine($"  chain ({r.Chain.Count} {(r.Chain.Count == 1 ? "member" : "members")}{(r.MissingBacking is null ? "" : ", INCOMPLETE")}):");
        for (var i = 0; i < r.Chain.Count; i++)
        {
            var m = r.Chain[i];
            o.WriteLine($"    {new string(' ', i * 2)}{Path.GetFileName(m.Name)}  {m.Format}, {Units.Bytes(m.VirtualSize)}{(m.Hidden == true ? ", hidden" : "")}");
        }

        if (r.MissingBacking is { } missing)
        {
            o.WriteLine($"    {new string(' ', r.Chain.Count * 2)}MISSING: {missing}");
        }

        FindingsText.Write(o, r.Findings);
    }
}
