using SrRescue.Cli.Commands;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="RestoreMetadataReport"/>: what is restored, the unsafe ranges, the file and how to apply it, or why nothing was written.</summary>
internal static class RestoreMetadataText
{
    public static void Write(TextWriter o, RestoreMetadataReport r)
    {
        o.WriteLine($"Volume group {r.Vg}: newest seqno {r.NewestSeqno}; LVs taken from seqno {r.FromSeqno}: {(r.RestoredLvs.Count == 0 ? "none" : string.Join(", ", r.RestoredLvs))}");
        foreach (var c in r.Conflicts)
        {
            o.WriteLine($"  UNSAFE: {c.Lv} extents {c.FirstPe}-{c.FirstPe + c.PeCount - 1} on PV {c.PvId} {(c.UsedInSeqno is { } at ? $"were given to {c.UsedBy} in seqno {at}" : $"are now used by {c.UsedBy}")}; that data is probably overwritten");
        }

        if (r.Output is not { } path)
        {
            o.WriteLine("Refused, nothing written.");
            foreach (var problem in r.Conflicts.Count == 0 ? r.Problems : [])
            {
                o.WriteLine($"  {problem}");
            }

            if (r.Conflicts.Count > 0)
            {
                o.WriteLine("Name the LVs whose extents are free with --lv, or use --force to write the file anyway (the ranges above would then be restored with whatever data they hold now).");
            }
        }
        else
        {
            o.WriteLine($"Wrote {path} (seqno {r.FileSeqno}; vgcfgrestore commits it as seqno {r.SeqnoAfterVgcfgrestore}). To apply it, with the SR detached on every host:");
            o.WriteLine($"  vgcfgrestore --test -f {path} {r.Vg}");
            o.WriteLine($"  vgcfgrestore -f {path} {r.Vg}");
        }

        FindingsText.Write(o, r.OtherFindings);
    }
}
