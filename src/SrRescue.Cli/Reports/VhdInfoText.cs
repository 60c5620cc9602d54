using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="VhdInfoReport"/>, for people.</summary>
internal static class VhdInfoText
{
    public static void Write(TextWriter o, VhdInfoReport r)
    {
        var f = r.UsedFooter;
        o.WriteLine($"{r.File}: {f.DiskType} VHD, virtual size {Units.Bytes(r.VirtualSize)} ({r.VirtualSize} bytes), file {Units.Bytes(r.FileSize)}");
        o.WriteLine($"  uuid {f.Uuid}{(r.Hidden ? ", HIDDEN (a base copy)" : "")}, created {f.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z by '{f.CreatorApp}' {f.CreatorVersion}");
        o.WriteLine($"  geometry {f.Geometry}, features {f.Features}, data offset {(f.DataOffset is { } d ? d.ToString() : "none (fixed VHD)")}");
        o.WriteLine($"  footer at the end: {State(r.Footer)}; copy at offset 0: {(r.IsFixed ? "none (fixed disk)" : State(r.FooterCopy))}; footer used: {r.FooterUsed.Replace('_', ' ')}");
        if (r.Header is { } h)
        {
            o.WriteLine($"  header: BAT at byte {h.TableOffset}, {h.MaxTableEntries} entries, blocks of {Units.Bytes(h.BlockSize)}, checksum {(h.ChecksumOk ? "ok" : "WRONG")}");
            o.WriteLine($"  blocks: {r.AllocatedBlocks} of {r.BatEntries} allocated, data ends at byte {r.EndOfData}");
            if (r.Batmap is { } b)
            {
                o.WriteLine($"  batmap: at byte {b.Offset}, {b.Sectors} sectors, version {b.Version}, checksum {(b.ChecksumOk ? "ok" : "WRONG")}{(b.Encrypted ? ", ENCRYPTED" : "")}");
            }

            if (r.IsDifferencing)
            {
                o.WriteLine($"  parent: uuid {h.ParentUuid}, name '{h.ParentName}'");
                foreach (var l in h.Locators)
                {
                    o.WriteLine($"    locator {l.Code} at byte {l.Offset}, {l.Length} bytes");
                }

                foreach (var n in h.ParentNames.Distinct(StringComparer.Ordinal))
                {
                    o.WriteLine($"    names the parent as {n}");
                }
            }
        }

        o.WriteLine($"  chain ({r.Chain.Count} {(r.Chain.Count == 1 ? "member" : "members")}{(r.IsComplete ? "" : ", INCOMPLETE")}):");
        for (var i = 0; i < r.Chain.Count; i++)
        {
            var m = r.Chain[i];
            o.WriteLine($"    {new string(' ', i * 2)}{Path.GetFileName(m.Name)}  {m.DiskType}, uuid {m.Uuid}{(m.Hidden ? ", hidden" : "")}");
        }

        if (r.MissingParent is { } missing)
        {
            o.WriteLine($"    {new string(' ', r.Chain.Count * 2)}MISSING: {missing}");
        }

        FindingsText.Write(o, r.Findings);
    }

    private static string State(VhdInfoReport.FooterEntry? f) =>
        f is null ? "MISSING" : f.IsPoisoned ? "v_poison (interrupted resize)" : f.ChecksumOk ? "ok" : "CHECKSUM WRONG";
}
