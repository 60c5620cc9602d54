namespace SrRescue.Lvm.Model;

/// <summary>
/// The one extent-reuse rule (used by history, list, doctor, export and restore-metadata): an LV
/// taken from seqno N is unsafe to bring back where any later usable version gave one of its
/// extents to another LV (another LV id), even when that LV was removed again since: its data may
/// have overwritten the old LV's.
/// </summary>
public static class ExtentReuse
{
    /// <summary>
    /// Every range of <paramref name="lvName"/> as defined in seqno <paramref name="fromSeqno"/> that a
    /// later version gave to another LV: each overlap once, with the first version that held it, in
    /// version order (then the other LV's place in that version, its range, ours).
    /// </summary>
    public static IReadOnlyList<RestoreConflict> Find(VgHistory vg, long fromSeqno, string lvName)
    {
        ArgumentNullException.ThrowIfNull(vg);
        var result = new List<RestoreConflict>();
        if (Mine(vg, fromSeqno, lvName) is not { } mine)
        {
            return result;
        }

        var overlaps = new List<(ExtentOwnership.Appearance At, int Theirs, int Mine, PhysicalExtentRange Range, string Other)>();
        foreach (var (first, taker) in Takers(vg, fromSeqno, mine))
        {
            var other = taker.Lv;
            for (var t = 0; t < other.Ranges.Count; t++)
            {
                for (var m = 0; m < mine.Ranges.Count; m++)
                {
                    if (mine.Ranges[m].Intersect(other.Ranges[t]) is { } overlap)
                    {
                        overlaps.Add((first, t, m, overlap, other.Name));
                    }
                }
            }
        }

        overlaps.Sort((a, b) => (a.At.VersionIndex, a.At.Position, a.Theirs, a.Mine).CompareTo((b.At.VersionIndex, b.At.Position, b.Theirs, b.Mine)));
        var seen = new HashSet<(string, long, string)>();
        foreach (var (at, _, _, overlap, other) in overlaps)
        {
            if (seen.Add((overlap.PvId, overlap.FirstPe, other)))
            {
                result.Add(new RestoreConflict(lvName, overlap.PvId, overlap.FirstPe, overlap.PeCount, other) { Seqno = at.Seqno });
            }
        }

        return result;
    }

    /// <summary>
    /// The names of the LVs that <see cref="Find"/> reports, each once, in the order they took the
    /// extents; without the ranges (a wrapped ring can give one LV's extents to hundreds of LVs
    /// in turn, and the history lists only who).
    /// </summary>
    public static IReadOnlyList<string> TakenBy(VgHistory vg, long fromSeqno, string lvName)
    {
        ArgumentNullException.ThrowIfNull(vg);
        if (Mine(vg, fromSeqno, lvName) is not { } mine)
        {
            return [];
        }

        var takers = Takers(vg, fromSeqno, mine);
        takers.Sort((a, b) => (a.At.VersionIndex, a.At.Position).CompareTo((b.At.VersionIndex, b.At.Position)));
        var names = new List<string>(takers.Count);
        var seen = new bool[ExtentOwnership.Of(vg).NameCount];
        foreach (var (_, other) in takers)
        {
            if (!seen[other.NameIndex])
            {
                seen[other.NameIndex] = true;
                names.Add(other.Lv.Name);
            }
        }

        return names;
    }

    private static LvPlacement? Mine(VgHistory vg, long fromSeqno, string lvName) =>
        vg.Find(fromSeqno)?.Summary?.Lvs.FirstOrDefault(l => l.Name == lvName);

    /// <summary>Every placement of another LV (another id) that shares a PE with <paramref name="mine"/>, with its first appearance after <paramref name="fromSeqno"/>.</summary>
    private static List<(ExtentOwnership.Appearance At, ExtentOwnership.Placement Other)> Takers(VgHistory vg, long fromSeqno, LvPlacement mine) =>
        ExtentOwnership.Of(vg).TakersOf(mine.Ranges, mine.Id, fromSeqno);
}
