namespace SrRescue.Lvm.Model;

/// <summary>
/// The one extent-reuse rule (used by history, list, doctor, export and restore-metadata): an LV
/// taken from seqno N is unsafe to bring back where any later usable version gave one of its
/// extents to another LV (another LV id), even when that LV was removed again since: its data may
/// have overwritten the old LV's.
/// </summary>
public static class ExtentReuse
{
    /// <summary>Every range of <paramref name="lvName"/> as defined in seqno <paramref name="fromSeqno"/> that a later version gave to another LV.</summary>
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

        var seen = new HashSet<(string, long, string)>();
        foreach (var later in vg.Versions.Where(v => v.IsUsable && v.Seqno > fromSeqno))
        {
            foreach (var other in later.Summary!.Lvs.Where(l => l.Id != mine.Id))
            {
                foreach (var theirs in other.Ranges)
                {
                    foreach (var range in mine.Ranges)
                    {
                        if (range.Intersect(theirs) is { } overlap && seen.Add((overlap.PvId, overlap.FirstPe, other.Name)))
                        {
                            result.Add(new RestoreConflict(lvName, overlap.PvId, overlap.FirstPe, overlap.PeCount, other.Name) { Seqno = later.Seqno });
                        }
                    }
                }
            }
        }

        return result;
    }
}
