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

    private ExtentOwnership(IReadOnlyList<Placement> placements) => Placements = placements;

    /// <summary>One LV as some versions define it; its appearances in version order.</summary>
    public sealed record Placement(LvPlacement Lv, List<Appearance> Appearances);

    /// <param name="VersionIndex">The version's index in <see cref="VgHistory.Versions"/>.</param>
    /// <param name="Position">The LV's position among that version's LVs.</param>
    public readonly record struct Appearance(int VersionIndex, long Seqno, int Position);

    public IReadOnlyList<Placement> Placements { get; }

    /// <summary>The index of <paramref name="vg"/>, built on first use and kept as long as the history is.</summary>
    public static ExtentOwnership Of(VgHistory vg) => Built.GetValue(vg, Build);

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
        var byKey = new Dictionary<string, Placement>(StringComparer.Ordinal);
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
                var key = KeyOf(lvs[i]);
                if (!byKey.TryGetValue(key, out var placement))
                {
                    placement = new Placement(lvs[i], []);
                    byKey.Add(key, placement);
                    placements.Add(placement);
                }

                placement.Appearances.Add(new Appearance(v, version.Seqno, i));
            }
        }

        return new ExtentOwnership(placements);
    }

    private static string KeyOf(LvPlacement lv) =>
        string.Join('\n', [lv.Id, lv.Name, .. lv.Ranges.Select(r => r.ToString())]);
}
