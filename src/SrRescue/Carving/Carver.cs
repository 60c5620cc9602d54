using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Qcow2;
using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>What a carve found: the grid, the VDIs (VHD and QCOW2), and the used extents no VDI accounts for.</summary>
/// <param name="Footers">Which footer states are normal on the LVs carved (the caller's; an LVHD SR's are the Xen layer's).</param>
public sealed record CarveResult(IByteSource Pv, ExtentGrid Grid, IReadOnlyList<CarvedVdi> Vdis, IReadOnlyList<long> UnaccountedPes, FooterPolicy Footers)
{
    /// <summary>The QCOW2 images carved (XCP-ng 8.3's QCOW2- LVs), in the order their first extents lie.</summary>
    public IReadOnlyList<CarvedQcow2Vdi> Qcow2Vdis { get; init; } = [];

    public CarvedVdi? FindByVhdUuid(Guid uuid) => Vdis.FirstOrDefault(v => v.Vhd.VhdUuid == uuid);

    public CarvedQcow2Vdi? FindQcow2ByStartPe(long pe) => Qcow2Vdis.FirstOrDefault(v => v.StartPe == pe);

    /// <summary>
    /// Runs of consecutive extents on one real source: (le, PV index, source, pe, count, byte
    /// offset), as LVM segments. Missing extents (-1) make runs of their own.
    /// </summary>
    public IReadOnlyList<(long Le, int Pv, string Source, long Pe, long Count, long Offset)> Segments(CarvedVhd vhd)
    {
        ArgumentNullException.ThrowIfNull(vhd);
        return Segments(vhd.Extents);
    }

    /// <summary>The segments of a carved LV's extents, as <see cref="Segments(CarvedVhd)"/>.</summary>
    public IReadOnlyList<(long Le, int Pv, string Source, long Pe, long Count, long Offset)> Segments(IReadOnlyList<CarvedExtent> extents)
    {
        ArgumentNullException.ThrowIfNull(extents);
        var segments = new List<(long Le, int Pv, string Source, long Pe, long Count, long Offset)>();
        foreach (var x in extents)
        {
            var (pv, pe) = Pv is ExtentSpace space && x.Pe >= 0 ? space.Locate(x.Pe) : (0, x.Pe);
            var last = segments.Count > 0 ? segments[^1] : default;
            if (segments.Count > 0 && pe >= 0 && last.Pe >= 0 && last.Pv == pv && last.Pe + last.Count == pe)
            {
                segments[^1] = last with { Count = last.Count + 1 };
            }
            else
            {
                var place = Place(x.Pe);
                segments.Add((x.Le, pv, place.Source, pe, 1, place.Offset));
            }
        }

        return segments;
    }

    /// <summary>The real source, its extent number and byte offset of carved extent <paramref name="pe"/> (-1: none).</summary>
    public (string Source, long Pe, long Offset) Place(long pe)
    {
        if (pe < 0)
        {
            return (Pv.Name, -1, -1);
        }

        if (Pv is ExtentSpace space)
        {
            var (pv, real) = space.Locate(pe);
            return (space.PvSource(pv).Name, real, space.PvGrid(pv).OffsetOf(real));
        }

        return (Pv.Name, pe, Grid.OffsetOf(pe));
    }

    /// <summary>
    /// How sure the disk the VDI's chain reads is: the lowest confidence of any extent of the VDI
    /// and of its carved parents (a child placed with certainty still reads its parent's guesses).
    /// </summary>
    public ExtentConfidence ChainConfidence(CarvedVdi vdi)
    {
        ArgumentNullException.ThrowIfNull(vdi);
        var lowest = vdi.Vhd.Confidence;
        var seen = new HashSet<Guid> { vdi.Vhd.VhdUuid };
        for (var p = vdi.ParentVhdUuid; p is { } uuid && seen.Add(uuid) && FindByVhdUuid(uuid) is { } parent; p = parent.ParentVhdUuid)
        {
            lowest = parent.Vhd.Confidence < lowest ? parent.Vhd.Confidence : lowest;
        }

        return lowest;
    }

    /// <summary>The VDI's virtual disk read through its carved parents (fault F4 export).</summary>
    public VhdChain OpenChain(CarvedVdi vdi, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(vdi);
        return VhdChain.Open(vdi.Lv, vdi.LvName, new CarvedParentResolver(Vdis, Footers), log, Footers);
    }

    /// <summary>The lowest confidence of any extent of the QCOW2 image and of the carved images below it.</summary>
    public ExtentConfidence ChainConfidence(CarvedQcow2Vdi vdi)
    {
        ArgumentNullException.ThrowIfNull(vdi);
        var lowest = vdi.Carved.Confidence;
        var seen = new HashSet<long> { vdi.StartPe };
        for (var p = vdi.ParentStartPe; p is { } pe && seen.Add(pe) && FindQcow2ByStartPe(pe) is { } parent; p = parent.ParentStartPe)
        {
            lowest = parent.Carved.Confidence < lowest ? parent.Carved.Confidence : lowest;
        }

        return lowest;
    }

    /// <summary>The QCOW2 image's virtual disk read through the carved images below it (fault F4 export).</summary>
    public Qcow2Chain OpenChain(CarvedQcow2Vdi vdi, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(vdi);
        return Qcow2Chain.Open(vdi.Lv, vdi.LvName, new CarvedQcow2BackingResolver(this), log);
    }
}

/// <summary>
/// Metadata-less recovery of the VHD VDIs of an LVHD SR (fault F4, vhd.md 6.5): finds every VHD
/// start on the extent grid, rebuilds each LV's extent map from the VHD's own structures, links
/// chains and names the VDIs from children's locators and MGT records. XCP-ng 8.3's QCOW2 VDIs
/// likewise, from their refcount, L1 and L2 tables (Qcow2ExtentMapBuilder).
/// </summary>
public static class Carver
{
    /// <summary>Extents of <paramref name="pv"/> that any usable metadata copy gives to any LV (they are not free).</summary>
    public static IReadOnlySet<long> ReservedPes(LvmInspection lvm, IByteSource pv, Func<string, bool>? includeLv = null)
    {
        ArgumentNullException.ThrowIfNull(lvm);
        var result = new HashSet<long>();
        var pvId = lvm.Pvs.PvUuidOf(pv);
        if (pvId is null || lvm.Vg is null)
        {
            return result;
        }

        // No PE past the end of the PV can be reserved: a damaged extent_count (2^31) must not
        // size the set (it cost 2.4 GB and 11 s before this bound).
        var extent = lvm.Vg.Newest?.Vg?.ExtentSizeBytes ?? 0;
        var pvEnd = extent > 0 ? (pv.Length / extent) + 1 : 1L << 24;
        foreach (var lv in lvm.Vg!.Versions.Where(v => v.IsUsable).SelectMany(v => v.Summary!.Lvs))
        {
            if (includeLv is not null && !includeLv(lv.Name))
            {
                continue;
            }

            foreach (var r in lv.Ranges.Where(r => r.PvId == pvId))
            {
                for (var pe = r.FirstPe; pe < Math.Min(r.EndPe, pvEnd); pe++)
                {
                    result.Add(pe);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Carves the PVs of one SR: one PV on its own grid; several as one run of extents in the order
    /// given (<see cref="ExtentSpace"/>), so that LVs spanning them come back whole. Each PV's grid
    /// and still-mapped extents come from the metadata's entry for it, when any survives. PVs
    /// whose extent size differs from the first one's are left out, with a finding.
    /// </summary>
    public static CarveResult Carve(LvmInspection lvm, IReadOnlyList<IByteSource> pvs, FooterPolicy footers, FindingLog log, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(lvm);
        ArgumentNullException.ThrowIfNull(pvs);
        ArgumentNullException.ThrowIfNull(log);
        if (pvs.Count == 0)
        {
            throw new ArgumentException("nothing to carve", nameof(pvs));
        }

        var parts = pvs.Select(pv => (Pv: pv, Grid: ExtentGrid.Find(pv, lvm), PvId: lvm.Pvs.PvUuidOf(pv))).ToList();
        foreach (var odd in parts.Where(p => p.Grid.ExtentSizeBytes != parts[0].Grid.ExtentSizeBytes).ToList())
        {
            log.Add(Severity.Warning, "carve.pv.extent-size", "PV", 0,
                $"{odd.Pv.Name} has extents of {odd.Grid.ExtentSizeBytes} bytes, {parts[0].Pv.Name} of {parts[0].Grid.ExtentSizeBytes}: not one SR, not carved with it", source: odd.Pv.Name);
            parts.Remove(odd);
        }

        if (parts.Count == 1)
        {
            return Carve(parts[0].Pv, parts[0].Grid, ReservedPes(lvm, parts[0].Pv), footers, log, progress);
        }

        var space = new ExtentSpace(parts.Select(p => (p.Pv, p.Grid, p.PvId)).ToList());
        var reserved = new HashSet<long>();
        for (var i = 0; i < parts.Count; i++)
        {
            reserved.UnionWith(ReservedPes(lvm, parts[i].Pv).Select(pe => space.ToRun(i, pe)));
        }

        return Carve(space, space.Grid, reserved, footers, log, progress);
    }

    /// <param name="footers">Which footer states are normal on the LVs carved (an LVHD SR's: the Xen layer's <c>LvhdFooters.OnLv</c>).</param>
    public static CarveResult Carve(IByteSource pv, ExtentGrid grid, IReadOnlySet<long> reservedPes, FooterPolicy footers, FindingLog log, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(pv);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(reservedPes);
        ArgumentNullException.ThrowIfNull(footers);
        ArgumentNullException.ThrowIfNull(log);
        // QCOW2 images first place the extents their tables prove (and the runs between), so that a
        // VHD's slack or a guess never takes them; the VHDs then place theirs; the QCOW2 data
        // extents nothing can prove come last, by allocation order, from what is left.
        var (qcow2Starts, starts, heads) = FindStarts(pv, grid, reservedPes, log, progress);
        var qcow2 = new Qcow2ExtentMapBuilder(pv, grid, log, progress);
        qcow2.PlaceByStructure(qcow2Starts, reservedPes.Union(starts.Select(s => s.Pe)).ToHashSet());
        var builder = new ExtentMapBuilder(pv, grid, reservedPes.Union(qcow2.Claimed), log, heads: heads);
        var carved = builder.Build(starts, progress);
        var vdis = carved.Select(c => Open(pv, grid, c, footers, log)).ToList();
        var qcow2Vdis = Qcow2ChainLinker.Link(pv, grid, qcow2.Complete(builder.Claimed.Contains), log);
        var unaccounted = Unaccounted(pv, grid, builder.Claimed.Union(qcow2.Claimed).ToHashSet(), heads, progress);
        foreach (var pe in unaccounted)
        {
            ExtentSpace.Log(log, pv, Severity.Info, "carve.extent.unaccounted", "PV extent", grid.OffsetOf(pe),
                $"{ExtentSpace.Extent(pv, pe)} holds data but no metadata copy and no carved VHD or QCOW2 claims it (a raw VDI, a journal, or an uncarvable image)");
        }

        return new CarveResult(pv, grid, vdis, unaccounted, footers) { Qcow2Vdis = qcow2Vdis };
    }

    /// <summary>
    /// The QCOW2 and VHD starts of the extents not reserved, found in one read of each extent's
    /// head (<see cref="ExtentHeads"/>, kept for the carve); the QCOW2 scan's findings before the VHD scan's.
    /// </summary>
    internal static (List<Qcow2Start> Qcow2, List<VhdStart> Vhd, ExtentHeads Heads) FindStarts(IByteSource pv, ExtentGrid grid, IReadOnlySet<long> reservedPes,
        FindingLog log, IProgress<WorkProgress>? progress)
    {
        var qcow2 = new List<Qcow2Start>();
        var vhd = new List<VhdStart>();
        var qcow2Log = new FindingLog();
        var vhdLog = new FindingLog();
        var heads = ExtentHeads.Read(pv, grid, reservedPes.Contains, (pe, head) =>
        {
            if (Qcow2StartScanner.FromHead(pv, grid, pe, head, qcow2Log) is { } q)
            {
                qcow2.Add(q);
            }

            if (VhdStartScanner.FromHead(pv, grid, pe, head, vhdLog) is { } v)
            {
                vhd.Add(v);
            }
        }, progress);
        foreach (var f in qcow2Log.Concat(vhdLog))
        {
            log.Add(f);
        }

        return (qcow2, vhd, heads);
    }

    /// <summary>A carved VHD as an LV and an image, named by its footer uuid until MGT or a child names it (Recovery's CarvedVdiNaming).</summary>
    private static CarvedVdi Open(IByteSource pv, ExtentGrid grid, CarvedVhd vhd, FooterPolicy footers, FindingLog log)
    {
        var lv = new CarvedLv(pv, grid, vhd.Pes, $"carved VHD {vhd.VhdUuid} on {pv.Name}");
        Guid? parent = vhd.Start.IsDifferencing ? vhd.Start.Header.ParentUuid : null;
        return new CarvedVdi(vhd, lv, VhdImage.Open(lv, log, footers), vhd.VhdUuid.ToString(), VdiUuidSource.VhdFooter, parent, []);
    }

    /// <summary>Unclaimed extents whose first or middle 4 KiB is not zeros (the first as the heads' pass saw them).</summary>
    private static List<long> Unaccounted(IByteSource pv, ExtentGrid grid, HashSet<long> claimed, ExtentHeads heads, IProgress<WorkProgress>? progress)
    {
        var result = new List<long>();
        var sample = new byte[4096];
        for (long pe = 0; pe < grid.ExtentCount; pe++)
        {
            if (pe % 256 == 0)
            {
                progress?.Report(new WorkProgress("checking unclaimed extents", pe * grid.ExtentSizeBytes, grid.ExtentCount * grid.ExtentSizeBytes));
            }

            if (claimed.Contains(pe))
            {
                continue;
            }

            var at = grid.OffsetOf(pe);
            var used = heads.HeadHasData(pe) ?? sample.AsSpan(0, pv.ReadFullyAt(at, sample)).ContainsAnyExcept((byte)0);
            if (!used)
            {
                var n = pv.ReadFullyAt(at + (grid.ExtentSizeBytes / 2), sample);
                used = sample.AsSpan(0, n).ContainsAnyExcept((byte)0);
            }

            if (used)
            {
                result.Add(pe);
            }
        }

        progress?.Report(new WorkProgress("checking unclaimed extents", grid.ExtentCount * grid.ExtentSizeBytes, grid.ExtentCount * grid.ExtentSizeBytes));
        return result;
    }
}
