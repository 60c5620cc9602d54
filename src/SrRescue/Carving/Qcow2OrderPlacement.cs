using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// Places the logical extents of carved QCOW2 images that nothing in them can verify: extents of
/// data clusters only, and extents whose tables fit no free extent. LVM hands out an LV's extents
/// in runs, continuing the run when it can (lvm2.md 6); so such an extent is the one after its
/// logical predecessor's, or before its successor's when the successor was placed by its tables;
/// where neither is free, the next free extent after the predecessor that holds data where the
/// image has clusters (then the lowest such one: lvm2 2.03 puts an extension in the largest free
/// area, which may lie before the LV). Every such extent is Low, with evidence saying so. Gaps
/// between placed extents are filled for all images first, then the extents up to the last one the
/// image references, then slack up to sm's size rule, which is taken only where the run continues.
/// </summary>
internal sealed class Qcow2OrderPlacement
{
    /// <summary>Free extents looked at for one jump (a bound on the work, not on the PV).</summary>
    private const int MaxLook = 4096;

    /// <summary>Data clusters of an extent whose first sector is read to see whether a candidate holds data there.</summary>
    private const int Samples = 4;

    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly FindingLog _log;
    private readonly Func<long, bool> _taken;
    private readonly Action<long> _claim;

    public Qcow2OrderPlacement(IByteSource pv, ExtentGrid grid, FindingLog log, Func<long, bool> taken, Action<long> claim)
    {
        _pv = pv;
        _grid = grid;
        _log = log;
        _taken = taken;
        _claim = claim;
    }

    /// <summary>What an extent placed by order alone holds, for its evidence.</summary>
    public static string DataOnly(Qcow2MapState state, long k)
    {
        if (state.TablesNotFound.TryGetValue(k, out var why))
        {
            return $"its tables fit no free extent ({why}): placed like a data extent";
        }

        var n = state.Layout.DataOffsetsIn(k, 1 << 16).Count;
        return n > 0 ? $"holds only data clusters ({n} known), which nothing can verify" : "holds nothing the image is known to use, which nothing can verify";
    }

    public List<CarvedQcow2> Complete(IReadOnlyList<Qcow2MapState> states)
    {
        foreach (var s in states)
        {
            FillGaps(s);
        }

        foreach (var s in states)
        {
            FillTail(s);
        }

        var result = new List<CarvedQcow2>();
        foreach (var s in states)
        {
            var rule = s.Start.SizeRuleExtents(_grid.ExtentSizeBytes);
            FillSlack(s, rule);
            result.Add(Build(s, rule));
        }

        return result;
    }

    private bool Free(long pe) => pe >= 0 && pe < _grid.ExtentCount && !_taken(pe);

    /// <summary>Runs of unplaced logical extents between two placed ones.</summary>
    private void FillGaps(Qcow2MapState s)
    {
        var placed = s.Placed.Keys.ToList();
        for (var i = 0; i + 1 < placed.Count; i++)
        {
            var (ka, kb) = (placed[i], placed[i + 1]);
            if (kb - ka < 2)
            {
                continue;
            }

            var a = s.Placed[ka];
            var b = s.Placed[kb];
            var k = ka + 1;
            for (var pe = a.Pe + 1; k < kb && pe != b.Pe && Free(pe); pe++, k++)
            {
                Place(s, k, pe, $"contiguous with logical extent {k - 1} ({ExtentSpace.Extent(_pv, pe - 1)}) (allocation order)");
            }

            var last = kb - 1;
            for (var pe = b.Pe - 1; last >= k && Free(pe); pe--, last--)
            {
                Place(s, last, pe, $"contiguous with logical extent {last + 1} ({ExtentSpace.Extent(_pv, pe + 1)}), which its tables place (allocation order)");
            }

            for (; k <= last; k++)
            {
                Jump(s, k);
            }
        }
    }

    /// <summary>The logical extents after the last placed one, up to the last the image references.</summary>
    private void FillTail(Qcow2MapState s)
    {
        var needed = s.Layout.NeededExtents;
        for (var k = s.Placed.Keys.Max() + 1; k < needed; k++)
        {
            var pe = s.Placed[k - 1].Pe + 1;
            if (s.Placed[k - 1].Pe >= 0 && Free(pe))
            {
                Place(s, k, pe, $"contiguous with logical extent {k - 1} ({ExtentSpace.Extent(_pv, pe - 1)}) (allocation order)");
            }
            else
            {
                Jump(s, k);
            }
        }
    }

    /// <summary>
    /// The run continues no further: the next free extent after the predecessor holding data where
    /// the image has clusters, then the lowest such; failing that, the next free one.
    /// </summary>
    private void Jump(Qcow2MapState s, long k)
    {
        var prev = s.Placed.Where(x => x.Key < k && x.Value.Pe >= 0).Select(x => x.Value.Pe).DefaultIfEmpty(s.Start.Pe).Last();
        var samples = s.Layout.DataOffsetsIn(k, Samples);
        var after = FreeAfter(prev);
        if (after.Count == 0)
        {
            s.Placed[k] = new CarvedExtent(k, -1, ExtentConfidence.None, 0, [DataOnly(s, k), "no free extent is left for it: it reads as zeros"], []);
            ExtentSpace.Log(_log, _pv, Severity.Error, "carve.qcow2.extent-missing", "carved QCOW2", _grid.OffsetOf(s.Start.Pe),
                $"QCOW2 at {ExtentSpace.Extent(_pv, s.Start.Pe)}: no free extent is left for its logical extent {k}; it reads as zeros");
            return;
        }

        var withData = samples.Count == 0 ? after[0] : after.FirstOrDefault(pe => HoldsData(pe, samples), -1);
        var blocked = $"the extent after logical extent {k - 1}'s is not free";
        if (withData >= 0)
        {
            Place(s, k, withData, samples.Count == 0
                ? $"{blocked}; the next free extent (allocation order, a guess)"
                : $"{blocked}; the next free extent holding data where the image has clusters (allocation order, a guess)");
            return;
        }

        Place(s, k, after[0], $"{blocked}; no free extent holds data where the image has clusters, so the next free one (a guess: it reads as zeros there)");
        ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.qcow2.data-zeros", "PV extent", _grid.OffsetOf(after[0]),
            $"QCOW2 at {ExtentSpace.Extent(_pv, s.Start.Pe)}: its logical extent {k} was placed at {ExtentSpace.Extent(_pv, after[0])}, which reads as zeros where the image has data clusters");
    }

    /// <summary>Slack past the referenced extents, up to sm's size rule, only where the LV's run continues.</summary>
    private void FillSlack(Qcow2MapState s, long rule)
    {
        var k = s.Placed.Keys.Max() + 1;
        for (; k < rule; k++)
        {
            var pe = s.Placed[k - 1].Pe + 1;
            if (s.Placed[k - 1].Pe < 0 || !Free(pe))
            {
                break;
            }

            _claim(pe);
            s.Placed[k] = new CarvedExtent(k, pe, ExtentConfidence.Low, 0,
                [$"slack past the last host byte the image uses: sm's size rule gives {rule} extents for virtual size {s.Start.VirtualSizeBytes}; contiguous with logical extent {k - 1} (allocation order)"], []);
        }

        if (k < rule && k >= s.Layout.NeededExtents)
        {
            ExtentSpace.Log(_log, _pv, Severity.Info, "carve.qcow2.slack-short", "carved QCOW2", _grid.OffsetOf(s.Start.Pe),
                $"QCOW2 at {ExtentSpace.Extent(_pv, s.Start.Pe)}: sm's size rule gives its LV {rule} extents; the run ends after {k} (the next extent is not free), so it is restored with {k}: slack is only taken where the run continues");
        }
    }

    private void Place(Qcow2MapState s, long k, long pe, string how)
    {
        _claim(pe);
        s.Placed[k] = new CarvedExtent(k, pe, ExtentConfidence.Low, 0, [DataOnly(s, k), how], []);
    }

    /// <summary>Whether the extent holds something other than zeros at the start of any of the image's data clusters in it.</summary>
    private bool HoldsData(long pe, IReadOnlyList<long> hostOffsets)
    {
        Span<byte> sector = stackalloc byte[512];
        foreach (var at in hostOffsets)
        {
            var n = _pv.ReadFullyAt(_grid.OffsetOf(pe) + (at % _grid.ExtentSizeBytes), sector);
            if (sector[..n].ContainsAnyExcept((byte)0))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Free extents after <paramref name="prev"/> ascending, then those before it (at most <see cref="MaxLook"/>).</summary>
    private List<long> FreeAfter(long prev)
    {
        var list = new List<long>();
        for (var pe = prev + 1; pe < _grid.ExtentCount && list.Count < MaxLook; pe++)
        {
            if (Free(pe))
            {
                list.Add(pe);
            }
        }

        for (long pe = 0; pe < prev && list.Count < MaxLook; pe++)
        {
            if (Free(pe))
            {
                list.Add(pe);
            }
        }

        return list;
    }

    /// <summary>
    /// Tables no free extent held, looked at where allocation order put their extent: empty ones
    /// (zero clusters only) prove nothing and are no damage; others are not there either.
    /// </summary>
    private void ReportTablesNotFound(Qcow2MapState s)
    {
        var where = _grid.OffsetOf(s.Start.Pe);
        var who = $"QCOW2 at {ExtentSpace.Extent(_pv, s.Start.Pe)}";
        foreach (var (k, why) in s.TablesNotFound)
        {
            var x = s.Placed.GetValueOrDefault(k);
            if (x is null || x.Pe < 0)
            {
                ExtentSpace.Log(_log, _pv, Severity.Error, "carve.qcow2.table-not-found", "carved QCOW2", where,
                    $"{who}, logical extent {k}: {why}, and no free extent was left for it: the guest ranges its tables map read as zeros");
                continue;
            }

            var seen = s.Layout.CheckUnread(k, x.Pe);
            s.Placed[k] = x with { Evidence = [.. x.Evidence, .. seen.Select(v => Qcow2StructurePass.Describe(_pv, _grid, v.Table, v.Verdict, x.Pe))] };
            if (seen.All(v => v.Verdict.IsEmpty))
            {
                ExtentSpace.Log(_log, _pv, Severity.Info, "carve.qcow2.table-empty", "carved QCOW2", where,
                    $"{who}, logical extent {k}: its {string.Join(", ", seen.Select(v => v.Table.Describe()))} hold no host cluster where allocation order put the extent ({ExtentSpace.Extent(_pv, x.Pe)}): nothing to check there");
            }
            else
            {
                ExtentSpace.Log(_log, _pv, Severity.Error, "carve.qcow2.table-not-found", "carved QCOW2", where,
                    $"{who}, logical extent {k}: {why}; allocation order put the extent at {ExtentSpace.Extent(_pv, x.Pe)}, which does not hold them either: the guest ranges they map may read wrong");
            }
        }
    }

    private CarvedQcow2 Build(Qcow2MapState s, long rule)
    {
        ReportTablesNotFound(s);
        var count = s.Placed.Keys.Max() + 1;
        var extents = Enumerable.Range(0, (int)count).Select(k => s.Placed.TryGetValue(k, out var x) ? x
            : new CarvedExtent(k, -1, ExtentConfidence.None, 0, ["not placed"], [])).ToList();
        var byOrder = extents.Where(x => x.Le > 0 && x.Le < s.Layout.NeededExtents && x.Confidence == ExtentConfidence.Low).Select(x => x.Le).ToList();
        if (byOrder.Count > 0)
        {
            ExtentSpace.Log(_log, _pv, Severity.Warning, "carve.qcow2.order-placed", "carved QCOW2", _grid.OffsetOf(s.Start.Pe),
                $"QCOW2 at {ExtentSpace.Extent(_pv, s.Start.Pe)}: {byOrder.Count} of the {s.Layout.NeededExtents} extents it uses hold nothing that can be checked and were placed by allocation order (Low): logical extents {Ranges(byOrder)}");
        }

        return new CarvedQcow2(s.Start, extents, s.Layout.NeededExtents, rule, _grid);
    }

    /// <summary>"1-4, 7, 9-12".</summary>
    private static string Ranges(List<long> sorted)
    {
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
