using System.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// What changed in the LVs between two copies of one VG's metadata (the history command). LVs
/// are matched by LV id first, which is how a rename shows; by name only when one side has no id
/// (a damaged copy). Two LVs with the same name and different ids are different LVs: the old one
/// was removed and a new one created, which matters because the old one's data may still be
/// recoverable. Physical placement is compared by PV id, never by pvN key, which is only an index
/// within one copy (lvm2.md 3.5).
/// </summary>
public static class MetadataDiff
{
    public static IReadOnlyList<LvChange> Compare(VgMetadata older, VgMetadata newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var changes = new List<LvChange>();
        var matchedOld = new HashSet<LvMetadata>(older.Lvs.Count, ReferenceEqualityComparer.Instance);
        var samePvs = older.HasSamePvs(newer);
        foreach (var lv in newer.Lvs)
        {
            var old = Match(lv, older, matchedOld);
            if (old is null)
            {
                changes.Add(new LvChange(LvChangeKind.Created, lv.Name, null, lv.Id, 0, lv.ExtentCount,
                    $"{lv.ExtentCount} extents{Placement(lv, newer, " at ")}"));
                continue;
            }

            matchedOld.Add(old);
            if (!(samePvs && ReferenceEquals(old, lv)))
            {
                // The same LV read once for both versions (LvSectionReuse) over the same PVs has not changed.
                CompareOne(old, older, lv, newer, changes);
            }
        }

        foreach (var old in older.Lvs)
        {
            if (!matchedOld.Contains(old))
            {
                changes.Add(new LvChange(LvChangeKind.Removed, old.Name, null, old.Id, old.ExtentCount, 0,
                    $"{old.ExtentCount} extents{Placement(old, older, " at ")}"));
            }
        }

        return changes;
    }

    private static LvMetadata? Match(LvMetadata lv, VgMetadata older, HashSet<LvMetadata> matchedOld)
    {
        if (lv.Id.Length > 0 && older.FindLvById(lv.Id) is { } byId && !matchedOld.Contains(byId))
        {
            return byId;
        }

        if (older.FindLv(lv.Name) is { } byName && !matchedOld.Contains(byName) &&
            (lv.Id.Length == 0 || byName.Id.Length == 0))
        {
            return byName;
        }

        return null;
    }

    private static void CompareOne(LvMetadata old, VgMetadata older, LvMetadata lv, VgMetadata newer, List<LvChange> changes)
    {
        LvChange Make(LvChangeKind kind, string detail) =>
            new(kind, lv.Name, old.Name == lv.Name ? null : old.Name, lv.Id, old.ExtentCount, lv.ExtentCount, detail);

        if (old.Name != lv.Name)
        {
            changes.Add(Make(LvChangeKind.Renamed, $"renamed from {old.Name} to {lv.Name}"));
        }

        if (old.ExtentCount != lv.ExtentCount)
        {
            changes.Add(Make(LvChangeKind.Resized, $"{old.ExtentCount} → {lv.ExtentCount} extents"));
        }
        else if (!SameLayout(old, older, lv, newer))
        {
            changes.Add(Make(LvChangeKind.Moved,
                $"extents moved from{Placement(old, older, " ")} to{Placement(lv, newer, " ")}"));
        }

        if (!SameStrings(old.Tags, lv.Tags) || !SameStrings(old.Status, lv.Status) || !SameStrings(old.Flags, lv.Flags))
        {
            var detail = new StringBuilder();
            ListChange(detail, "tags", old.Tags, lv.Tags);
            ListChange(detail, "status", old.Status, lv.Status);
            ListChange(detail, "flags", old.Flags, lv.Flags);
            if (detail.Length > 0)
            {
                changes.Add(Make(LvChangeKind.Changed, detail.ToString()));
            }
        }
    }

    /// <summary>
    /// Whether everything that says where the data is agrees: segment bounds, type, stripes, and
    /// each area, with PV keys compared through the PV ids they stand for. Runs for every LV of
    /// every version of a long history, so it compares fields instead of building strings.
    /// </summary>
    private static bool SameLayout(LvMetadata a, VgMetadata va, LvMetadata b, VgMetadata vb)
    {
        if (a.Segments.Count != b.Segments.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Segments.Count; i++)
        {
            LvSegment x = a.Segments[i], y = b.Segments[i];
            if (x.StartExtent != y.StartExtent || x.ExtentCount != y.ExtentCount || x.StripeCount != y.StripeCount ||
                x.StripeSizeSectors != y.StripeSizeSectors || x.Areas.Count != y.Areas.Count ||
                !string.Equals(x.Type, y.Type, StringComparison.Ordinal))
            {
                return false;
            }

            for (var k = 0; k < x.Areas.Count; k++)
            {
                SegmentArea p = x.Areas[k], q = y.Areas[k];
                if (p.IsPv != q.IsPv || p.StartIndex != q.StartIndex || !string.Equals(AreaIdentity(p, va), AreaIdentity(q, vb), StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string AreaIdentity(SegmentArea area, VgMetadata vg) =>
        area.IsPv ? vg.FindPvByKey(area.Name)?.Id ?? area.Name : area.Name;

    private static string Placement(LvMetadata lv, VgMetadata vg, string prefix)
    {
        var ranges = lv.PhysicalRanges(vg);
        return ranges.Count == 0 ? "" : prefix + string.Join(", ", ranges.Select(r =>
            $"{vg.FindPvById(r.PvId)?.Key ?? "?"} ({r.PvId}) PE {r.FirstPe}-{r.EndPe - 1}"));
    }

    private static bool SameStrings(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static void ListChange(StringBuilder sb, string what, IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        if (SameStrings(before, after))
        {
            return;
        }

        var added = after.Except(before, StringComparer.Ordinal).ToList();
        var removed = before.Except(after, StringComparer.Ordinal).ToList();
        if (added.Count == 0 && removed.Count == 0)
        {
            return;
        }

        if (sb.Length > 0)
        {
            sb.Append("; ");
        }

        sb.Append(what).Append(':');
        foreach (var a in added)
        {
            sb.Append(" +").Append(a);
        }

        foreach (var r in removed)
        {
            sb.Append(" -").Append(r);
        }
    }
}
