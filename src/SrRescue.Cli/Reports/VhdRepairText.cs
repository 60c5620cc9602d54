using SrRescue.Cli.Commands.Vhd;
using SrRescue.Cli.Output;
using SrRescue.Vhd;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="VhdRepairCommandReport"/>: what was wrong, what changed, which blocks came back and which did not, what to do next.</summary>
internal static class VhdRepairText
{
    public static void Write(TextWriter o, VhdRepairCommandReport r)
    {
        o.WriteLine($"Repaired {r.Source} into {r.Output} ({Units.Bytes(r.OutputSize)}); {Path.GetFileName(r.Source)} was only read.");
        o.WriteLine($"  {r.DiskType} VHD, virtual size {Units.Bytes(r.VirtualSize)} ({r.VirtualSize} bytes), uuid {r.Uuid}; both footers written from the {r.FooterFrom.Replace('_', ' ')}");
        VhdFindingText.WriteProblems(o, r.SourceFindings);

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
                o.WriteLine($"  {a.Structure} at byte {a.Offset}: {a.Field} {a.Old} -> {a.New} ({a.Reason})");
            }

            if (r.Actions.Count > VhdFindingText.MaxListed)
            {
                o.WriteLine($"  ... and {r.Actions.Count - VhdFindingText.MaxListed} more (--json lists them all)");
            }
        }

        if (r.Type != VhdDiskType.Fixed)
        {
            WriteBlocks(o, r);
        }

        o.WriteLine();
        var check = r.OutputCheck;
        o.WriteLine(check.Clean
            ? $"Check of {r.Output}: no problems."
            : $"Check of {r.Output}: {check.Errors} errors, {check.Warnings} warnings ({string.Join(", ", check.Codes)}); 'srrescue vhd check {r.Output}' shows them.");
        o.WriteLine();
        WriteResult(o, r);
    }

    private static void WriteResult(TextWriter o, VhdRepairCommandReport r)
    {
        if (r.AllRecovered)
        {
            o.WriteLine("Result: everything was recovered.");
            return;
        }

        var errors = r.OutputCheck.Errors;
        if (r.StructuresRecovered)
        {
            o.WriteLine($"Result: NOT COMPLETE: the file's own structures were repaired, but the check of the copy finds {errors} {(errors == 1 ? "error" : "errors")}" +
                (r.ParentMissing
                    ? $": its parent is missing, so the disk it describes is incomplete. Put the parent beside {r.Source} (any name; it is matched by uuid), then 'srrescue vhd convert {r.Source} -o DISK.vhd --format vhd' writes the whole disk."
                    : $"; 'srrescue vhd check {r.Output}' shows them."));
            return;
        }

        var parts = new List<string>();
        var unplaced = r.Unplaced.ToList();
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
            o.WriteLine($"    srrescue vhd convert {r.Output} -o disk.raw --format raw");
            o.WriteLine($"    dd if={example.SavedAs} of=disk.raw bs={r.BlockSize} seek=N conv=notrunc");
        }
    }

    private static void WriteBlocks(TextWriter o, VhdRepairCommandReport r)
    {
        o.WriteLine();
        o.WriteLine($"Blocks: {r.BlocksKept} kept from the BAT; {r.OrphansFound} orphaned {(r.OrphansFound == 1 ? "block" : "blocks")} found (data whose BAT entry was lost), {r.OrphansPlaced} put back");
        foreach (var b in r.Placed)
        {
            o.WriteLine($"  {(b.Inferred ? "INFERRED   " : "PUT BACK   ")} block {b.PlacedAsBlock} from byte {b.BitmapOffset} ({b.SectorsPresent} sectors): {b.Evidence}");
        }

        foreach (var b in r.Unplaced)
        {
            var candidates = b.CandidateCount == 0 ? "no block" : $"block {string.Join(", ", b.CandidateBlocks)}{(b.CandidateCount > b.CandidateBlocks.Count ? $" ... ({b.CandidateCount} in all)" : "")}";
            o.WriteLine($"  NOT PLACED  data at byte {b.BitmapOffset} ({b.SectorsPresent} sectors) could be {candidates}: {b.Evidence}");
            if (b.SavedAs is not null)
            {
                o.WriteLine($"              saved as {b.SavedAs}");
            }
        }

        foreach (var l in r.Lost)
        {
            o.WriteLine($"  LOST        block {l.Block}{(l.BitmapOffset >= 0 ? $" (BAT said byte {l.BitmapOffset})" : "")}: {l.Reason}");
        }

        foreach (var p in r.Partial)
        {
            o.WriteLine($"  PARTIAL     block {p.Block} at byte {p.BitmapOffset}: {p.PresentBytes} of {p.BlockBytes} bytes are in the file, the rest reads as zeros");
        }
    }
}
