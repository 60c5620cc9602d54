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
        var version = vg.Find(fromSeqno);
        var mine = version?.Summary?.Lvs.FirstOrDefault(l => l.Name == lvName);
        if (mine is null)
        {
            return result;
        }

        var overlaps = new List<(ExtentOwnership.Appearance At, int Theirs, int Mine, PhysicalExtentRange Range, string Other)>();
        foreach (var placement in ExtentOwnership.Of(vg).Placements)
        {
            var other = placement.Lv;
            if (other.Id == mine.Id || ExtentOwnership.FirstAfter(placement, fromSeqno) is not { } first)
            {
                continue;
            }

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
}
