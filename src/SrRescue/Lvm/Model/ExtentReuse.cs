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
    /// The LVs that took the extents of <paramref name="lvName"/> from it: for each of its extents
    /// (as seqno <paramref name="fromSeqno"/> defines them), the first other LV a later usable version
    /// puts there; each name once, in the order they took them. An LV that came onto an extent after
    /// one of these took it from that LV, not from this one: a wrapped ring can give one extent to
    /// hundreds of short-lived LVs in turn, which <see cref="Find"/> lists all.
    /// </summary>
    public static IReadOnlyList<string> TakenBy(VgHistory vg, long fromSeqno, string lvName)
    {
        ArgumentNullException.ThrowIfNull(vg);
        if (Mine(vg, fromSeqno, lvName) is not { } mine)
        {
            return [];
        }

        var ownership = ExtentOwnership.Of(vg);
        var names = new List<string>();
        var seen = new bool[ownership.NameCount];
        var untaken = new List<PhysicalExtentRange>(mine.Ranges);
        // The first LV to come onto any untaken PE took those PEs; what it left untaken goes to the next one.
        while (ownership.FirstTakerOf(untaken, mine.Id, fromSeqno) is { } first)
        {
            TakeFrom(untaken, first.Placement.Lv.Ranges);
            if (!seen[first.Placement.NameIndex])
            {
                seen[first.Placement.NameIndex] = true;
                names.Add(first.Placement.Lv.Name);
            }
        }

        return names;
    }

    /// <summary>Removes from <paramref name="untaken"/> every PE that <paramref name="taking"/> covers.</summary>
    private static void TakeFrom(List<PhysicalExtentRange> untaken, IReadOnlyList<PhysicalExtentRange> taking)
    {
        foreach (var theirs in taking)
        {
            for (var i = untaken.Count - 1; i >= 0; i--)
            {
                var left = untaken[i];
                if (left.Intersect(theirs) is not { } overlap)
                {
                    continue;
                }

                untaken.RemoveAt(i);
                if (overlap.FirstPe > left.FirstPe)
                {
                    untaken.Add(left with { PeCount = overlap.FirstPe - left.FirstPe });
                }

                if (left.EndPe > overlap.EndPe)
                {
                    untaken.Add(new PhysicalExtentRange(left.PvId, overlap.EndPe, left.EndPe - overlap.EndPe));
                }
            }
        }
    }

    private static LvPlacement? Mine(VgHistory vg, long fromSeqno, string lvName) =>
        vg.Find(fromSeqno)?.Summary?.Lvs.FirstOrDefault(l => l.Name == lvName);

    /// <summary>Every placement of another LV (another id) that shares a PE with <paramref name="mine"/>, with its first appearance after <paramref name="fromSeqno"/>.</summary>
    private static List<(ExtentOwnership.Appearance At, ExtentOwnership.Placement Other)> Takers(VgHistory vg, long fromSeqno, LvPlacement mine) =>
        ExtentOwnership.Of(vg).TakersOf(mine.Ranges, mine.Id, fromSeqno);
}
