using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>A free extent that holds the tables an image expects in one of its logical extents: how well, and what was seen.</summary>
internal sealed record Qcow2Fit(long Pe, double Score, bool Damaged, IReadOnlyList<string> Evidence)
{
    /// <summary>Fits within this of the best are about as good (rivals): a tenth, at least one entry.</summary>
    public static double Margin(double best) => Math.Max(1, best / 10);
}

/// <summary>
/// A logical extent of an image that holds tables: the tables, every free extent they fit, and the
/// one this pass read them from (null: none fits, they stay unread).
/// </summary>
internal sealed record Qcow2Slot(long K, IReadOnlyList<Qcow2Table> Tables, IReadOnlyList<Qcow2Fit> Fits, Qcow2Fit? Chosen)
{
    /// <summary>Tables other images' tables are found through (refcount and L1 tables, refcount blocks).</summary>
    public bool HoldsRoots => Tables.Any(t => t.Kind != Qcow2TableKind.L2);
}

/// <summary>
/// One image's pass: its layout as read, the slots it placed by structure, what its first extent
/// held, and tables found in an extent already placed that did not fit there.
/// </summary>
internal sealed record Qcow2StructurePlan(Qcow2Start Start, Qcow2Layout Layout, IReadOnlyList<Qcow2Slot> Slots, IReadOnlyList<string> StartEvidence,
    IReadOnlyList<(long K, string Problem)> Contradictions);

/// <summary>
/// Places the extents of one QCOW2 image that hold tables, in LV order: the tables expected in a
/// logical extent (named by tables already read) are checked against every free extent whose
/// cluster at that offset may be such a table (<see cref="Qcow2TableIndex"/>); of the extents they
/// fit, the best, and of several about as good the one allocation order prefers (the run of the
/// extent before, then the lowest after it). Reading the chosen extent names further tables, until
/// none is left. Extents that hold data only are not placed here: nothing in them can be checked.
/// </summary>
internal static class Qcow2StructurePass
{
    /// <param name="forced">Logical extents to read from these extents only (a resolution among images chose them).</param>
    /// <param name="excluded">Extents given to other images.</param>
    public static Qcow2StructurePlan Verify(Qcow2Start start, IByteSource pv, ExtentGrid grid, Qcow2TableIndex index,
        IReadOnlyDictionary<long, long> forced, Func<long, bool> excluded)
    {
        var layout = new Qcow2Layout(start, pv, grid);
        var e = grid.ExtentSizeBytes;
        var h = start.Header;
        var startEvidence = new List<string>
        {
            $"QCOW2 version {h.Version} header, {start.ClusterSizeBytes / 1024} KiB clusters, virtual size {start.VirtualSizeBytes} at {ExtentSpace.Describe(pv, start.OffsetBytes)}",
        };
        var contradictions = new List<(long, string)>();
        foreach (var (t, v) in layout.Place(0, start.Pe))
        {
            Note(pv, grid, t, v, start.Pe, startEvidence, contradictions, 0);
        }

        var slots = new List<Qcow2Slot>();
        var used = new HashSet<long> { start.Pe };
        while (layout.NextPending() is { } k)
        {
            if (layout.Map.TryGetValue(k, out var placed))
            {
                // Tables named after their extent was placed for others: they must fit there too.
                foreach (var (t, v) in layout.Place(k, placed))
                {
                    Note(pv, grid, t, v, placed, null, contradictions, k);
                }

                continue;
            }

            if (start.ClusterSizeBytes > e)
            {
                // A table cluster would straddle extents: not carved by structure.
                layout.GiveUp(k);
                continue;
            }

            var tables = layout.Pending(k).ToList();
            IEnumerable<long> candidates = forced.TryGetValue(k, out var f)
                ? [f]
                : tables.SelectMany(t => index.Candidates(layout.ShapeOf(t.Kind), t.HostOffset % e)).Distinct().Where(pe => !excluded(pe));
            var fits = candidates.Where(pe => !used.Contains(pe)).Select(pe => Fit(pv, grid, layout, k, pe)).OfType<Qcow2Fit>().ToList();
            if (fits.Any(x => !x.Damaged))
            {
                // Where the tables fit cleanly, a place where they fit only with damage is another
                // image's table that happens to point into this one's clusters.
                fits.RemoveAll(x => x.Damaged);
            }

            var chosen = Choose(fits, layout.Map, k);
            if (chosen is null)
            {
                layout.GiveUp(k);
            }
            else
            {
                used.Add(chosen.Pe);
                layout.Place(k, chosen.Pe);
            }

            slots.Add(new Qcow2Slot(k, tables, fits, chosen));
        }

        return new Qcow2StructurePlan(start, layout, slots, startEvidence, contradictions);
    }

    /// <summary>How the tables expected in logical extent k fit extent pe: null when one cannot be there, or none is seen.</summary>
    private static Qcow2Fit? Fit(IByteSource pv, ExtentGrid grid, Qcow2Layout layout, long k, long pe)
    {
        var verdicts = layout.Check(k, pe);
        if (verdicts.Any(v => !v.Verdict.IsAcceptable) || !verdicts.Any(v => v.Verdict.IsClean || v.Verdict.IsDamaged))
        {
            return null;
        }

        var evidence = verdicts.Select(v => Describe(pv, grid, v.Table, v.Verdict, pe)).ToList();
        return new Qcow2Fit(pe, verdicts.Sum(v => v.Verdict.Score), verdicts.Any(v => v.Verdict.IsDamaged), evidence);
    }

    /// <summary>Whether <paramref name="pe"/> continues the run of the closest logical extent placed before <paramref name="k"/>.</summary>
    public static bool ContinuesRun(IReadOnlyDictionary<long, long> map, long k, long pe)
    {
        var before = map.Keys.Where(x => x < k).DefaultIfEmpty(-1).Max();
        return before >= 0 && map[before] + (k - before) == pe;
    }

    /// <summary>
    /// The best fit; of fits about as good, the one allocation order prefers: the run of the
    /// closest logical extent placed before (LVM extends an LV contiguously when it can), then the
    /// lowest extent after that one, then the lowest.
    /// </summary>
    public static Qcow2Fit? Choose(IReadOnlyList<Qcow2Fit> fits, IReadOnlyDictionary<long, long> map, long k)
    {
        if (fits.Count == 0)
        {
            return null;
        }

        var best = fits.Max(x => x.Score);
        var near = fits.Where(x => x.Score >= best - Qcow2Fit.Margin(best)).ToList();
        var before = map.Keys.Where(x => x < k).DefaultIfEmpty(-1).Max();
        if (before < 0)
        {
            return near.MinBy(x => x.Pe);
        }

        var prev = map[before];
        var run = prev + (k - before);
        return near.FirstOrDefault(x => x.Pe == run) ?? near.Where(x => x.Pe > prev).MinBy(x => x.Pe) ?? near.MinBy(x => x.Pe);
    }

    private static void Note(IByteSource pv, ExtentGrid grid, Qcow2Table t, TableVerdict v, long pe, List<string>? evidence, List<(long, string)> contradictions, long k)
    {
        var text = Describe(pv, grid, t, v, pe);
        evidence?.Add(text);
        if (!v.IsClean && !v.IsEmpty)
        {
            contradictions.Add((k, text));
        }
    }

    public static string Describe(IByteSource pv, ExtentGrid grid, Qcow2Table t, TableVerdict v, long pe)
    {
        var where = ExtentSpace.Describe(pv, grid.OffsetOf(pe) + (t.HostOffset % grid.ExtentSizeBytes));
        return v switch
        {
            { IsClean: true } => $"{t.Describe()} at {where}: {v.Valid} {(v.Valid == 1 ? "entry" : "entries")} in use, each consistent with the image",
            { IsDamaged: true } => $"{t.Describe()} at {where}: {v.Valid} entries consistent, {v.Invalid} not (first: {v.Problem}): damaged",
            { IsEmpty: true } => $"{t.Describe()} at {where}: empty (proves nothing)",
            _ => $"{t.Describe()} at {where}: not that table ({v.Valid} entries consistent, {v.Invalid} not; first: {v.Problem})",
        };
    }
}
