using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Vhd;

namespace SrRescue.Recovery;

/// <summary>
/// Extents that no metadata copy gives to any LV but that start like an LVHD VHD (a footer copy
/// with a valid checksum, then `cxsparse`): VDIs only carving can bring back (fault F4). Reads
/// 1 KiB per free extent.
/// </summary>
internal static class OrphanVhdProbe
{
    public sealed record Orphan(string PvId, long Pe, long OffsetBytes, Guid VhdUuid, long VirtualSizeBytes);

    public static IReadOnlyList<Orphan> Find(LvmInspection lvm)
    {
        var result = new List<Orphan>();
        var vg = lvm.Vg;
        if (vg?.Newest?.Vg is not { } newest)
        {
            return result;
        }

        var known = vg.Versions.Where(v => v.IsUsable).SelectMany(v => v.Summary!.Lvs).SelectMany(l => l.Ranges)
            .GroupBy(r => r.PvId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var pv in newest.Pvs)
        {
            var source = lvm.Pvs.FindPv(pv.Id);
            if (source is null)
            {
                continue;
            }

            var used = known.GetValueOrDefault(pv.Id) ?? [];
            for (long pe = 0; pe < pv.PeCount; pe++)
            {
                if (used.Exists(r => pe >= r.FirstPe && pe < r.EndPe))
                {
                    continue;
                }

                var at = (pv.PeStartSectors * 512) + (pe * newest.ExtentSizeBytes);
                var head = source.ReadBytes(at, VhdFooter.Size + 8);
                if (head.Length < VhdFooter.Size + 8 || !head.AsSpan(VhdFooter.Size, 8).SequenceEqual(DynamicHeader.Cookie))
                {
                    continue;
                }

                var footer = VhdFooter.TryRead(head, at, "footer", new Diagnostics.FindingLog(), source.Name);
                if (footer is { ChecksumMatches: true, IsDynamicOrDifferencing: true })
                {
                    result.Add(new Orphan(pv.Id, pe, at, footer.Uuid, (long)Math.Min(footer.CurrentSizeBytes, long.MaxValue)));
                }
            }
        }

        return result;
    }
}
