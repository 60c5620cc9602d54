namespace SrRescue.Vhd;

/// <summary>
/// Decides where orphaned blocks belong, from the surviving structures only (never from what the
/// data says). A candidate position is a virtual block whose BAT entry is unallocated. Two facts
/// narrow it: the batmap marks only full blocks (vhd.md 3.4), and it is never ahead of the BAT, so
/// a block it marks full was allocated; and where the surviving entries show blocks were allocated
/// in block order (an import, a coalesce), an orphan lies between its physical neighbours' blocks.
/// An orphan is put back only when one position is left for it and for no other orphan; what is
/// left after that may be inferred from the write order (<see cref="OrphanWriteRuns"/>, marked).
/// </summary>
internal static class OrphanPlacement
{
    /// <summary>Surviving entries that must all ascend before block order counts as evidence (6! = 720 to 1 against chance).</summary>
    public const int MinOrderEvidence = 6;

    public sealed class Orphan
    {
        public required OrphanScanner.Found Found { get; init; }

        public required int SectorsSet { get; init; }

        public required bool IsFull { get; init; }

        public required long DataPresent { get; init; }

        public int? Block { get; set; }

        public List<int> Candidates { get; set; } = [];

        public int CandidateCount { get; set; }

        public string Evidence { get; set; } = "";

        /// <summary>Placed by <see cref="OrphanWriteRuns"/>: an inference from the write order, not a proof.</summary>
        public bool Inferred { get; set; }
    }

    /// <summary>Places what can be placed (sets <see cref="Orphan.Block"/> and the BAT entry); returns the blocks known lost.</summary>
    /// <param name="edgesOf">Whether an allocated block's first and last sectors are present; null leaves out the write-run inference.</param>
    public static List<LostBlock> Place(List<Orphan> orphans, uint[] bat, Func<int, bool> batmapFull, Func<int, (bool First, bool Last)>? edgesOf = null)
    {
        var gaps = new List<int>();
        for (var i = 0; i < bat.Length; i++)
        {
            if (bat[i] == VhdImage.Unallocated)
            {
                gaps.Add(i);
            }
        }

        var fullGaps = gaps.Where(batmapFull).ToList();
        if (orphans.Count > 0)
        {
            var taken = new HashSet<int>();
            ByAllocationOrder(orphans, bat, gaps, taken, batmapFull);
            ByBatmap(orphans.Where(o => o.Block is null).ToList(), gaps.Where(g => !taken.Contains(g)).ToList(), batmapFull);
            foreach (var o in orphans.Where(o => o.Block is not null))
            {
                bat[o.Block!.Value] = (uint)o.Found.BitmapSector;
            }

            if (edgesOf is not null)
            {
                // A block the batmap marks full holds only a full orphan; a full orphan may be any free block.
                var free = gaps.Where(g => bat[g] == VhdImage.Unallocated).ToHashSet();
                OrphanWriteRuns.Place(orphans, bat, free, edgesOf, (o, b) => o.IsFull || !batmapFull(b));
            }
        }

        var reason = "the batmap marks it full, so it held data, but its BAT entry is gone and no orphan could be shown to be it"
            + (orphans.Any(o => o.Block is null && o.IsFull) ? " (one of the full orphans not put back may be it)" : "");
        return fullGaps.Where(b => bat[b] == VhdImage.Unallocated).Select(b => new LostBlock(b, -1, reason)).ToList();
    }

    private static void ByAllocationOrder(List<Orphan> orphans, uint[] bat, List<int> gaps, HashSet<int> taken, Func<int, bool> batmapFull)
    {
        var kept = Enumerable.Range(0, bat.Length).Where(i => bat[i] != VhdImage.Unallocated).Select(i => (Start: (long)bat[i], Block: i)).OrderBy(k => k.Start).ToList();
        if (kept.Count < MinOrderEvidence || !kept.Zip(kept.Skip(1)).All(p => p.First.Block < p.Second.Block))
        {
            return;
        }

        var evidence = $"blocks were allocated in block order (all {kept.Count} surviving BAT entries ascend with their offsets), and between its two neighbours in the file exactly as many blocks are unallocated as orphans lie there";
        var starts = kept.Select(k => k.Start).ToList();
        var groups = orphans.GroupBy(o =>
        {
            var i = starts.BinarySearch(o.Found.BitmapSector);
            var next = i >= 0 ? i + 1 : ~i;
            return (Before: next > 0 ? kept[next - 1].Block : -1, After: next < kept.Count ? kept[next].Block : bat.Length);
        });
        foreach (var g in groups)
        {
            var members = g.OrderBy(o => o.Found.BitmapSector).ToList();
            var from = gaps.BinarySearch(g.Key.Before + 1);
            from = from >= 0 ? from : ~from;
            var between = new List<int>();
            for (var k = from; k < gaps.Count && gaps[k] < g.Key.After && between.Count <= members.Count; k++)
            {
                between.Add(gaps[k]);
            }

            if (between.Count != members.Count || members.Zip(between).Any(p => batmapFull(p.Second) && !p.First.IsFull))
            {
                continue;
            }

            foreach (var (o, b) in members.Zip(between))
            {
                o.Block = b;
                o.Candidates = [b];
                o.CandidateCount = 1;
                o.Evidence = evidence;
                taken.Add(b);
            }
        }
    }

    private static void ByBatmap(List<Orphan> orphans, List<int> gaps, Func<int, bool> batmapFull)
    {
        if (orphans.Count == 0)
        {
            return;
        }

        var full = gaps.Where(batmapFull).ToList();
        var notFull = gaps.Where(b => !batmapFull(b)).ToList();
        var all = gaps;
        var fullOrphans = orphans.Count(o => o.IsFull);

        // Every block the batmap marks full must be one of the full orphans; when there are exactly
        // as many full orphans as such blocks, the full orphans can only be those blocks.
        var fullForced = full.Count > 0 && fullOrphans == full.Count;
        // Orphans of one kind share one candidate list and one reason: a whole lost BAT of a
        // 2 TiB disk is a million orphans, and must not cost a million lists.
        var fullSet = fullForced ? full : all;
        var fullWhy = fullForced
            ? $"the batmap marks {Blocks(full)} full with no BAT entry, and there {(full.Count == 1 ? "is exactly one full orphan" : $"are exactly {full.Count} full orphans")}"
            : "its bitmap is full, so it could be any unallocated block";
        var partWhy = full.Count > 0
            ? $"its bitmap is not full, so it is none of the blocks the batmap marks full ({Blocks(full)})"
            : "its bitmap is not full and the batmap marks no unallocated block full";
        var fullListed = fullSet.Take(VhdRepairer.MaxCandidatesListed).ToList();
        var partListed = notFull.Take(VhdRepairer.MaxCandidatesListed).ToList();
        foreach (var o in orphans)
        {
            o.Candidates = o.IsFull ? fullListed : partListed;
            o.CandidateCount = o.IsFull ? fullSet.Count : notFull.Count;
            o.Evidence = o.IsFull ? fullWhy : partWhy;
        }

        var singles = orphans.Where(o => o.CandidateCount == 1).GroupBy(o => o.Candidates[0]).Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
        foreach (var o in singles)
        {
            o.Block = o.Candidates[0];
            o.Candidates = [o.Block.Value];
            o.Evidence += $": block {o.Block} is the only place it can go";
        }

        var reasons = new Dictionary<(string, int), string>();
        foreach (var o in orphans.Where(o => o.Block is null))
        {
            if (!reasons.TryGetValue((o.Evidence, o.CandidateCount), out var reason))
            {
                reason = o.Evidence + o.CandidateCount switch
                {
                    0 => ": no unallocated block can hold it (it may be a stale block, or belong to another disk)",
                    1 => ": another orphan can only go there too, so neither is put back",
                    _ => $": {o.CandidateCount} blocks remain possible, so it is not put back",
                };
                reasons[(o.Evidence, o.CandidateCount)] = reason;
            }

            o.Evidence = reason;
        }
    }

    private static string Blocks(List<int> blocks) =>
        blocks.Count == 1 ? $"block {blocks[0]}" : $"blocks {string.Join(", ", blocks.Take(8))}{(blocks.Count > 8 ? ", ..." : "")}";
}
