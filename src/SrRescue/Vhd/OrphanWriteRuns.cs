namespace SrRescue.Vhd;

/// <summary>
/// The last rule for orphaned blocks, after the BAT order and the batmap have placed what they
/// prove: where a guest write ran across a block boundary, the sector bitmaps continue (block N
/// ends with its last sector present, block N+1 starts with its first), and libvhd and tapdisk
/// allocate the blocks of one write one after the other at the end of the file (vhd.md 3.3), so a
/// block's neighbours in the file are often its neighbours on the disk. Each orphan scores every
/// free block these facts point at (2 for a bitmap that continues into an allocated neighbour, 1
/// for a file neighbour one block away); the orphan with the single best score goes first and the
/// others are scored again around it. A file neighbour alone is not enough (random writes
/// allocate blocks in any order): at least one bitmap must continue across the boundary. A placement here is an inference, never a proof: it is
/// marked so, and the repair does not call it recovered for sure.
/// </summary>
internal static class OrphanWriteRuns
{
    /// <summary>Beyond this many orphans or allocated blocks the rule is not tried (its cost grows with their product).</summary>
    public const int MaxOrphans = 4096;

    public const int MaxAllocated = 1 << 16;

    /// <summary>The least score placed: one bitmap that continues into an allocated neighbour.</summary>
    private const int MinScore = 2;

    /// <param name="edgesOf">Whether an allocated block's first and last sectors are present (read from its bitmap).</param>
    /// <param name="mayHold">Whether a free block may hold the orphan at all (the batmap rule).</param>
    public static void Place(List<OrphanPlacement.Orphan> orphans, uint[] bat, HashSet<int> free, Func<int, (bool First, bool Last)> edgesOf, Func<OrphanPlacement.Orphan, int, bool> mayHold)
    {
        var open = orphans.Where(o => o.Block is null).ToList();
        var allocated = bat.Count(e => e != VhdImage.Unallocated);
        if (open.Count == 0 || open.Count > MaxOrphans || allocated > MaxAllocated)
        {
            return;
        }

        var edges = new Dictionary<int, (bool First, bool Last)>();
        (bool First, bool Last)? Edges(int block)
        {
            if (block < 0 || block >= bat.Length || bat[block] == VhdImage.Unallocated)
            {
                return null;
            }

            if (!edges.TryGetValue(block, out var e))
            {
                var placed = orphans.FirstOrDefault(o => o.Block == block);
                e = placed is not null ? (placed.Found.FirstSet, placed.Found.LastSet) : edgesOf(block);
                edges[block] = e;
            }

            return e;
        }

        while (open.Count > 0)
        {
            var slots = Enumerable.Range(0, bat.Length).Where(i => bat[i] != VhdImage.Unallocated).Select(i => (Sector: (long)bat[i], Block: i)).OrderBy(x => x.Sector).ToList();
            var sectors = slots.Select(x => x.Sector).ToList();
            var best = (Score: MinScore - 1, Orphan: (OrphanPlacement.Orphan?)null, Block: -1, Why: "");
            var contested = false;
            foreach (var o in open)
            {
                var scores = new Dictionary<int, (int Score, List<string> Why)>();
                void Add(int block, int points, string why)
                {
                    if (!free.Contains(block) || !mayHold(o, block))
                    {
                        return;
                    }

                    var s = scores.GetValueOrDefault(block, (0, []));
                    s.Why.Add(why);
                    scores[block] = (s.Score + points, s.Why);
                }

                var i = sectors.BinarySearch(o.Found.BitmapSector);
                var next = i >= 0 ? i + 1 : ~i;
                if (next > 0)
                {
                    var p = slots[next - 1].Block;
                    Add(p + 1, 1, $"block {p} lies just before it in the file");
                }

                if (next < slots.Count)
                {
                    var q = slots[next].Block;
                    Add(q - 1, 1, $"block {q} lies just after it in the file");
                }

                foreach (var b in free)
                {
                    if (o.Found.LastSet && Edges(b + 1) is { First: true })
                    {
                        Add(b, 2, $"its last sector is present and block {b + 1} starts with its first (one write across the boundary)");
                    }

                    if (o.Found.FirstSet && Edges(b - 1) is { Last: true })
                    {
                        Add(b, 2, $"its first sector is present and block {b - 1} ends with its last");
                    }
                }

                var ranked = scores.OrderByDescending(s => s.Value.Score).ToList();
                if (ranked.Count == 0 || (ranked.Count > 1 && ranked[1].Value.Score == ranked[0].Value.Score))
                {
                    continue;
                }

                var top = ranked[0];
                if (top.Value.Score > best.Score)
                {
                    best = (top.Value.Score, o, top.Key, string.Join("; ", top.Value.Why));
                    contested = false;
                }
                else if (top.Value.Score == best.Score && top.Key == best.Block)
                {
                    contested = true; // two orphans point at the same block equally: neither goes there yet
                }
            }

            if (best.Orphan is null || contested)
            {
                return;
            }

            var chosen = best.Orphan;
            chosen.Block = best.Block;
            chosen.Candidates = [best.Block];
            chosen.CandidateCount = 1;
            chosen.Inferred = true;
            chosen.Evidence = $"inferred from the write order, not proved: {best.Why}";
            bat[best.Block] = (uint)chosen.Found.BitmapSector;
            free.Remove(best.Block);
            open.Remove(chosen);
        }
    }
}
