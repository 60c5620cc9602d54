using SrRescue.Cli.Output;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>The text of `vhd repair`: what was wrong, what changed, which blocks came back and which did not, what to do next.</summary>
internal static class VhdRepairText
{
    public static void Write(TextWriter o, VhdRepairReport r, string source, string output, VhdCheckReport after)
    {
        o.WriteLine($"Repaired {source} into {output} ({Units.Bytes(r.OutputSizeBytes)}); {Path.GetFileName(source)} was only read.");
        o.WriteLine($"  {r.DiskType.ToString().ToLowerInvariant()} VHD, virtual size {Units.Bytes(r.VirtualSizeBytes)}, uuid {r.Uuid}; both footers written from the {Reports.VhdCheckCommandReport.FooterName(r.FooterFrom).Replace('_', ' ')}");
        VhdFindingText.WriteProblems(o, r.Findings);

        o.WriteLine();
        if (r.Actions.Count == 0)
        {
            o.WriteLine("Changes: none were needed; the copy has the same structures.");
        }
        else
        {
            o.WriteLine($"Changes ({r.Actions.Count}):");
            foreach (var a in r.Actions.Take(VhdFindingText.MaxListed))
            {
                o.WriteLine($"  {a}");
            }

            if (r.Actions.Count > VhdFindingText.MaxListed)
            {
                o.WriteLine($"  ... and {r.Actions.Count - VhdFindingText.MaxListed} more (--json lists them all)");
            }
        }

        if (r.DiskType != VhdDiskType.Fixed)
        {
            WriteBlocks(o, r);
        }

        o.WriteLine();
        o.WriteLine(after.IsClean
            ? $"Check of {output}: no problems."
            : $"Check of {output}: {after.Errors} errors, {after.Warnings} warnings ({string.Join(", ", after.Findings.Where(f => f.Severity != Diagnostics.Severity.Info).Select(f => f.Code).Distinct(StringComparer.Ordinal))}); 'srrescue vhd check {output}' shows them.");
        o.WriteLine();
        var unplaced = r.Unplaced.ToList();
        if (r.AllRecovered && after.Errors == 0)
        {
            o.WriteLine("Result: everything was recovered.");
            return;
        }

        if (r.AllRecovered)
        {
            var parentMissing = after.Findings.Any(f => f.Code == VhdCodes.ChainParentMissing);
            o.WriteLine($"Result: NOT COMPLETE: the file's own structures were repaired, but the check of the copy finds {after.Errors} {(after.Errors == 1 ? "error" : "errors")}" +
                (parentMissing
                    ? $": its parent is missing, so the disk it describes is incomplete. Put the parent beside {source} (any name; it is matched by uuid), then 'srrescue vhd convert {source} -o DISK.vhd --format vhd' writes the whole disk."
                    : $"; 'srrescue vhd check {output}' shows them."));
            return;
        }

        var parts = new List<string>();
        if (unplaced.Count > 0)
        {
            parts.Add($"{unplaced.Count} orphaned {(unplaced.Count == 1 ? "block" : "blocks")} could not be put back (saved beside the output)");
        }

        var inferred = r.InferredPlacements.ToList();
        if (inferred.Count > 0)
        {
            parts.Add($"{inferred.Count} orphaned {(inferred.Count == 1 ? "block was" : "blocks were")} put back by inference from the write order, not proved (block {string.Join(", ", inferred.Select(b => b.PlacedAsBlock))}): check the disk (fsck or mount -o ro of a copy) before trusting it");
        }

        if (r.Lost.Count > 0)
        {
            parts.Add($"{r.Lost.Count} {(r.Lost.Count == 1 ? "block is" : "blocks are")} lost");
        }

        if (r.Partial.Count > 0)
        {
            parts.Add($"{r.Partial.Count} {(r.Partial.Count == 1 ? "block was" : "blocks were")} kept only in part");
        }

        var onlyInferred = inferred.Count > 0 && parts.Count == 1;
        o.WriteLine($"Result: {(onlyInferred ? "RECOVERED, NOT PROVED" : "PARTIAL RECOVERY")}: {string.Join("; ", parts)}.");
        if (unplaced.FirstOrDefault(u => u.SavedAs is not null) is { } example)
        {
            o.WriteLine("  An orphan file holds the block's data as found. Once you know which block N it is, put it into a raw copy:");
            o.WriteLine($"    srrescue vhd convert {output} -o disk.raw --format raw");
            o.WriteLine($"    dd if={example.SavedAs} of=disk.raw bs={r.BlockSizeBytes} seek=N conv=notrunc");
        }
    }

    private static void WriteBlocks(TextWriter o, VhdRepairReport r)
    {
        o.WriteLine();
        o.WriteLine($"Blocks: {r.BlocksKept} kept from the BAT; {r.Orphans.Count} orphaned {(r.Orphans.Count == 1 ? "block" : "blocks")} found (data whose BAT entry was lost), {r.Placed.Count()} put back");
        foreach (var b in r.Placed)
        {
            o.WriteLine($"  {(b.Inferred ? "INFERRED   " : "PUT BACK   ")} block {b.PlacedAsBlock} from byte {b.BitmapOffsetBytes} ({b.SectorsPresent} sectors): {b.Evidence}");
        }

        foreach (var b in r.Unplaced)
        {
            var candidates = b.CandidateCount == 0 ? "no block" : $"block {string.Join(", ", b.CandidateBlocks)}{(b.CandidateCount > b.CandidateBlocks.Count ? $" ... ({b.CandidateCount} in all)" : "")}";
            o.WriteLine($"  NOT PLACED  data at byte {b.BitmapOffsetBytes} ({b.SectorsPresent} sectors) could be {candidates}: {b.Evidence}");
            if (b.SavedAs is not null)
            {
                o.WriteLine($"              saved as {b.SavedAs}");
            }
        }

        foreach (var l in r.Lost)
        {
            o.WriteLine($"  LOST        block {l.Block}{(l.BitmapOffsetBytes >= 0 ? $" (BAT said byte {l.BitmapOffsetBytes})" : "")}: {l.Reason}");
        }

        foreach (var p in r.Partial)
        {
            o.WriteLine($"  PARTIAL     block {p.Block} at byte {p.BitmapOffsetBytes}: {p.PresentBytes} of {p.BlockBytes} bytes are in the file, the rest reads as zeros");
        }
    }
}
