using SrRescue.Diagnostics;

namespace SrRescue.Lvm.Model;

/// <summary>
/// Physical-extent checks across a whole VG copy: every PV area must lie inside its PV's pe_count,
/// and no two areas may share a PE ("PV segment … mismatch", lvm2.md 4.2). LVs involved are marked
/// <see cref="LvMetadata.HasErrors"/>. Sort and sweep: O(n log n) in the number of areas.
/// </summary>
internal static class ExtentChecks
{
    public static void Apply(List<LvMetadata> lvs, List<PvMetadata> pvs, ModelReadContext ctx)
    {
        var pvByKey = new Dictionary<string, PvMetadata>(pvs.Count, StringComparer.Ordinal);
        foreach (var pv in pvs)
        {
            pvByKey.TryAdd(pv.Key, pv);
        }

        var damaged = new bool[lvs.Count];
        var uses = new List<(string PvKey, long First, long End, int Lv)>(lvs.Count);
        for (var i = 0; i < lvs.Count; i++)
        {
            var segments = lvs[i].Segments;
            for (var s = 0; s < segments.Count; s++)
            {
                var segment = segments[s];
                for (var a = 0; a < segment.Areas.Count; a++)
                {
                    var area = segment.Areas[a];
                    if (!area.IsPv || !pvByKey.TryGetValue(area.Name, out var pv))
                    {
                        continue;
                    }

                    var range = new PhysicalExtentRange(pv.Id, area.StartIndex, segment.AreaLengthExtents);
                    if (range.EndPe > pv.PeCount)
                    {
                        damaged[i] = true;
                        ctx.Add(Severity.Error, "lvm.lv.beyond-pv", $"LV {lvs[i].Name} {segment.Key}", area.Offset,
                            $"extents {range.FirstPe}-{range.EndPe - 1} on {pv.Key} go past its pe_count {pv.PeCount}",
                            stored: range.EndPe.ToString(), computed: $"<= {pv.PeCount}");
                    }

                    if (range.PeCount > 0)
                    {
                        uses.Add((pv.Key, range.FirstPe, range.EndPe, i));
                    }
                }
            }
        }

        uses.Sort((a, b) => a.PvKey != b.PvKey ? string.CompareOrdinal(a.PvKey, b.PvKey) : a.First.CompareTo(b.First));
        SweepConflicts(lvs, uses, damaged, ctx);
        for (var i = 0; i < lvs.Count; i++)
        {
            if (damaged[i] && !lvs[i].HasErrors)
            {
                lvs[i] = lvs[i] with { HasErrors = true };
            }
        }
    }

    private static void SweepConflicts(List<LvMetadata> lvs, List<(string PvKey, long First, long End, int Lv)> uses,
        bool[] damaged, ModelReadContext ctx)
    {
        var reach = -1; // index of the use on the current PV that ends furthest
        for (var j = 0; j < uses.Count; j++)
        {
            var u = uses[j];
            if (reach >= 0 && uses[reach].PvKey == u.PvKey && u.First < uses[reach].End)
            {
                var other = uses[reach];
                var lv = lvs[u.Lv];
                damaged[u.Lv] = damaged[other.Lv] = true;
                var end = Math.Min(u.End, other.End);
                ctx.Add(Severity.Error, "lvm.vg.extent-conflict", $"LV {lv.Name}", lv.Offset,
                    other.Lv == u.Lv
                        ? $"LV {lv.Name} uses extents {u.First}-{end - 1} of {u.PvKey} twice"
                        : $"extents {u.First}-{end - 1} of {u.PvKey} are used by both {lvs[other.Lv].Name} and {lv.Name}");
            }

            if (reach < 0 || uses[reach].PvKey != u.PvKey || u.End > uses[reach].End)
            {
                reach = j;
            }
        }
    }
}
