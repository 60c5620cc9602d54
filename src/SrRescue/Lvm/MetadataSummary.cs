using SrRescue.Lvm.Model;

namespace SrRescue.Lvm;

/// <summary>
/// What the history needs of one parsed version, kept instead of the whole parsed tree so that a
/// ring of thousands of copies costs little memory: the LVs with their ids and the physical
/// extents they occupy (to tell whether a removed LV's extents were given to another LV later).
/// </summary>
public sealed record MetadataSummary(
    int LvCount,
    long? CreationTime,
    string? CreationHost,
    string? Description,
    IReadOnlySet<string> LvNames,
    IReadOnlyList<LvPlacement> Lvs)
{
    /// <summary>
    /// The summary of <paramref name="vg"/>. An LV that <paramref name="previous"/> (summarised as
    /// <paramref name="previousSummary"/>) holds as the same object over the same PVs keeps its
    /// placement, and when every LV does, the name set is shared too: a ring's versions repeat
    /// nearly all their LVs (<see cref="Model.LvSectionReuse"/>).
    /// </summary>
    public static MetadataSummary Of(VgMetadata vg, VgMetadata? previous, MetadataSummary? previousSummary)
    {
        ArgumentNullException.ThrowIfNull(vg);
        var comparable = previous is not null && previousSummary is not null && previous.HasSamePvs(vg);
        var before = comparable ? previous!.Lvs : [];
        var placements = new LvPlacement[vg.Lvs.Count];
        var allKept = comparable && before.Count == vg.Lvs.Count;
        for (var i = 0; i < vg.Lvs.Count; i++)
        {
            var lv = vg.Lvs[i];
            var at = SameObjectNear(before, i, lv);
            placements[i] = at >= 0 ? previousSummary!.Lvs[at] : new LvPlacement(lv.Name, lv.Id, lv.PhysicalRanges(vg));
            allKept &= at >= 0;
        }

        IReadOnlySet<string> names;
        if (allKept)
        {
            names = previousSummary!.LvNames;
        }
        else
        {
            var set = new HashSet<string>(vg.Lvs.Count, StringComparer.Ordinal);
            for (var i = 0; i < vg.Lvs.Count; i++)
            {
                set.Add(vg.Lvs[i].Name);
            }

            names = set;
        }

        return new MetadataSummary(vg.Lvs.Count, vg.CreationTime, vg.CreationHost, vg.Description, names, placements);
    }

    /// <summary>Where <paramref name="lv"/> itself is in <paramref name="before"/> at <paramref name="i"/> or a place beside it (one LV added or removed), or -1.</summary>
    private static int SameObjectNear(IReadOnlyList<LvMetadata> before, int i, LvMetadata lv)
    {
        for (var at = i - 1; at <= i + 1; at++)
        {
            if (at >= 0 && at < before.Count && ReferenceEquals(before[at], lv))
            {
                return at;
            }
        }

        return -1;
    }
}

/// <summary>An LV of one version: name, id and the PV extents it occupies (by PV id).</summary>
public sealed record LvPlacement(string Name, string Id, IReadOnlyList<PhysicalExtentRange> Ranges);
