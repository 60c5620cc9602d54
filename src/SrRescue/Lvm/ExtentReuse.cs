using SrRescue.Lvm.Model;

namespace SrRescue.Lvm;

/// <summary>
/// The one rule for "were this removed LV's extents reused?", used by restore-metadata (which
/// refuses, unless forced), history (which only advises a restore that restore-metadata accepts)
/// and the VDI states of list and doctor (deleted-recoverable or deleted-overwritten). An extent
/// counts as reused when any LV with another id used it in any readable copy after the one the LV
/// is restored from, also an LV that was itself removed again since: its writes may have gone to
/// the disk all the same.
/// </summary>
public static class ExtentReuse
{
    /// <summary>Every range of <paramref name="lvName"/> (as seqno <paramref name="fromSeqno"/> places it) that a later copy gives to another LV.</summary>
    public static IReadOnlyList<RestoreConflict> Since(VgHistory history, long fromSeqno, string lvName)
    {
        ArgumentNullException.ThrowIfNull(history);
        var result = new List<RestoreConflict>();
        var from = history.Versions.FirstOrDefault(v => v.Seqno == fromSeqno && v.IsUsable);
        var mine = from?.Summary?.Lvs.FirstOrDefault(l => l.Name == lvName);
        if (mine is null)
        {
            return result;
        }

        var seen = new HashSet<(string, long, string)>();
        foreach (var later in history.Versions.Where(v => v.IsUsable && v.Seqno > fromSeqno && v.Summary is not null))
        {
            foreach (var other in later.Summary!.Lvs.Where(l => l.Id != mine.Id))
            {
                foreach (var theirs in other.Ranges)
                {
                    foreach (var range in mine.Ranges)
                    {
                        if (range.Intersect(theirs) is { } overlap && seen.Add((overlap.PvId, overlap.FirstPe, other.Name)))
                        {
                            result.Add(new RestoreConflict(lvName, overlap.PvId, overlap.FirstPe, overlap.PeCount, other.Name));
                        }
                    }
                }
            }
        }

        return result;
    }
}
