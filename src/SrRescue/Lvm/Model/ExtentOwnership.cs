using System.Runtime.CompilerServices;

namespace SrRescue.Lvm.Model;

/// <summary>
/// Every distinct placement of an LV (id, name and PV extents) over a VG's usable versions, with
/// the versions it appears in. Built once per history, so the extent-reuse rule looks at each
/// placement once instead of at every LV of every later version: on a wrapped ring of 1,286 copies,
/// each removing an LV, that was 1,286 removed LVs × 640 later versions × 25 LVs.
/// </summary>
internal sealed class ExtentOwnership
{
    private static readonly ConditionalWeakTable<VgHistory, ExtentOwnership> Built = [];

    private readonly Dictionary<string, RangeIndex> _byPv;

    private ExtentOwnership(IReadOnlyList<Placement> placements, int nameCount)
    {
        Placements = placements;
        NameCount = nameCount;
        _byPv = RangeIndex.ByPv(placements);
    }

    /// <summary>One LV as some versions define it; its appearances in version order.</summary>
    /// <param name="Index">Its place in <see cref="Placements"/>.</param>
    /// <param name="NameIndex">The same number for the placements of LVs of the same name, from 0 to <see cref="NameCount"/> - 1.</param>
    public sealed record Placement(int Index, int NameIndex, LvPlacement Lv, List<Appearance> Appearances);

    /// <param name="VersionIndex">The version's index in <see cref="VgHistory.Versions"/>.</param>
    /// <param name="Position">The LV's position among that version's LVs.</param>
    public readonly record struct Appearance(int VersionIndex, long Seqno, int Position);

    public IReadOnlyList<Placement> Placements { get; }

    /// <summary>How many LV names the placements have.</summary>
    public int NameCount { get; }

    /// <summary>The index of <paramref name="vg"/>, built on first use and kept as long as the history is.</summary>
    public static ExtentOwnership Of(VgHistory vg) => Built.GetValue(vg, Build);

    /// <summary>
    /// The placements of LVs other than <paramref name="lvId"/> with a range sharing a PE with one of
    /// <paramref name="ranges"/>, each once, with their first appearance in a version newer than
    /// <paramref name="seqno"/> (those with none are left out).
    /// </summary>
    public List<(Appearance At, Placement Placement)> TakersOf(IEnumerable<PhysicalExtentRange> ranges, string lvId, long seqno)
    {
        var found = new List<(Appearance, Placement)>();
        var seen = new bool[Placements.Count];
        foreach (var (at, owner) in Takings(ranges, lvId, seqno))
        {
            if (!seen[owner.Index])
            {
                seen[owner.Index] = true;
                found.Add((at, owner));
            }
        }

        return found;
    }

    /// <summary>
    /// Of the placements <see cref="TakersOf"/> would give, the one that came first (version order,
    /// then place in the version), without listing the others.
    /// </summary>
    public (Appearance At, Placement Placement)? FirstTakerOf(IReadOnlyList<PhysicalExtentRange> ranges, string lvId, long seqno)
    {
        (Appearance At, Placement Placement)? first = null;
        foreach (var (at, owner) in Takings(ranges, lvId, seqno))
        {
            if (first is not { } best || (at.VersionIndex, at.Position).CompareTo((best.At.VersionIndex, best.At.Position)) < 0)
            {
                first = (at, owner);
            }
        }

        return first;
    }

    /// <summary>
    /// Each placement of an LV other than <paramref name="lvId"/> with a range sharing a PE with one of
    /// <paramref name="ranges"/>, with its first appearance newer than <paramref name="seqno"/> (those
    /// with none left out); a placement meeting several ranges comes once for each.
    /// </summary>
    private IEnumerable<(Appearance At, Placement Owner)> Takings(IEnumerable<PhysicalExtentRange> ranges, string lvId, long seqno)
    {
        foreach (var range in ranges)
        {
            if (!_byPv.TryGetValue(range.PvId, out var index))
            {
                continue;
            }

            foreach (var owner in index.Overlapping(range))
            {
                if (owner.Lv.Id != lvId && FirstAfter(owner, seqno) is { } at)
                {
                    yield return (at, owner);
                }
            }
        }
    }

    /// <summary>The first appearance of <paramref name="placement"/> in a version newer than <paramref name="seqno"/>, if any.</summary>
    public static Appearance? FirstAfter(Placement placement, long seqno)
    {
        var appearances = placement.Appearances;
        int low = 0, high = appearances.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (appearances[mid].Seqno > seqno)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low < appearances.Count ? appearances[low] : null;
    }

    private static ExtentOwnership Build(VgHistory vg)
    {
        var byKey = new Dictionary<LvPlacement, Placement>(SamePlacement.Instance);
        // Versions share the placement objects of the LVs they repeat (MetadataSummary.Of): most are found by reference.
        var byObject = new Dictionary<LvPlacement, Placement>(ReferenceEqualityComparer.Instance);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var placements = new List<Placement>();
        for (var v = 0; v < vg.Versions.Count; v++)
        {
            var version = vg.Versions[v];
            if (!version.IsUsable)
            {
                continue;
            }

            var lvs = version.Summary!.Lvs;
            for (var i = 0; i < lvs.Count; i++)
            {
                if (!byObject.TryGetValue(lvs[i], out var placement) && !byKey.TryGetValue(lvs[i], out placement))
                {
                    if (!names.TryGetValue(lvs[i].Name, out var nameIndex))
                    {
                        nameIndex = names.Count;
                        names.Add(lvs[i].Name, nameIndex);
                    }

                    placement = new Placement(placements.Count, nameIndex, lvs[i], []);
                    byKey.Add(lvs[i], placement);
                    placements.Add(placement);
                }

                byObject.TryAdd(lvs[i], placement);

                placement.Appearances.Add(new Appearance(v, version.Seqno, i));
            }
        }

        return new ExtentOwnership(placements, names.Count);
    }

    /// <summary>The same LV (id and name) on the same PV extents, in the same order.</summary>
    private sealed class SamePlacement : IEqualityComparer<LvPlacement>
    {
        public static readonly SamePlacement Instance = new();

        public bool Equals(LvPlacement? x, LvPlacement? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.Id == y.Id && x.Name == y.Name && x.Ranges.SequenceEqual(y.Ranges));

        public int GetHashCode(LvPlacement lv)
        {
            var hash = new HashCode();
            hash.Add(lv.Id);
            hash.Add(lv.Name);
            for (var i = 0; i < lv.Ranges.Count; i++)
            {
                hash.Add(lv.Ranges[i]);
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>
    /// The ranges on one PV sorted by first PE, with the highest end PE up to each: the ranges
    /// that meet [a, b) start before b, and searching back from there stops where no range
    /// before reaches past a.
    /// </summary>
    private sealed class RangeIndex
    {
        private readonly List<(long First, long End, Placement Owner)> _ranges = [];
        private long[] _highestEnd = [];

        public static Dictionary<string, RangeIndex> ByPv(IReadOnlyList<Placement> placements)
        {
            var byPv = new Dictionary<string, RangeIndex>(StringComparer.Ordinal);
            foreach (var placement in placements)
            {
                foreach (var range in placement.Lv.Ranges)
                {
                    if (!byPv.TryGetValue(range.PvId, out var index))
                    {
                        index = new RangeIndex();
                        byPv.Add(range.PvId, index);
                    }

                    index._ranges.Add((range.FirstPe, range.EndPe, placement));
                }
            }

            foreach (var index in byPv.Values)
            {
                index._ranges.Sort((x, y) => x.First.CompareTo(y.First));
                index._highestEnd = new long[index._ranges.Count];
                var highest = long.MinValue;
                for (var i = 0; i < index._ranges.Count; i++)
                {
                    highest = Math.Max(highest, index._ranges[i].End);
                    index._highestEnd[i] = highest;
                }
            }

            return byPv;
        }

        /// <summary>The owners of the ranges sharing a PE with <paramref name="range"/>; an owner with several such ranges comes once for each.</summary>
        public IEnumerable<Placement> Overlapping(PhysicalExtentRange range)
        {
            if (range.EndPe <= range.FirstPe)
            {
                yield break;
            }

            int low = 0, high = _ranges.Count;
            while (low < high)
            {
                var mid = (low + high) / 2;
                if (_ranges[mid].First < range.EndPe)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            for (var i = low - 1; i >= 0 && _highestEnd[i] > range.FirstPe; i--)
            {
                var (first, end, owner) = _ranges[i];
                if (end > range.FirstPe && end > first)
                {
                    yield return owner;
                }
            }
        }
    }
}
