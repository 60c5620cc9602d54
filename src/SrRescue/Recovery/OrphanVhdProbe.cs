using SrRescue.Carving;
using SrRescue.Lvm;
using SrRescue.Vhd;

namespace SrRescue.Recovery;

/// <summary>
/// Extents that no metadata copy gives to any LV but start a VHD the carver would take (footer
/// copy and `cxsparse` header that verify, see <see cref="VhdStartScanner"/>): VDIs only carving
/// can bring back (fault F4). Reads 1.5 KiB per free extent.
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
        var head = new byte[VhdFooter.Size + DynamicHeader.Size];
        foreach (var pv in newest.Pvs)
        {
            var source = lvm.Pvs.FindPv(pv.Id);
            if (source is null)
            {
                continue;
            }

            var used = known.GetValueOrDefault(pv.Id) ?? [];
            var grid = new ExtentGrid(pv.PeStartSectors * 512, newest.ExtentSizeBytes, pv.PeCount, "metadata");
            for (long pe = 0; pe < pv.PeCount; pe++)
            {
                if (!used.Exists(r => pe >= r.FirstPe && pe < r.EndPe)
                    && VhdStartScanner.TryRead(source, grid, pe, head, new Diagnostics.FindingLog()) is { } start)
                {
                    result.Add(new Orphan(pv.Id, pe, start.OffsetBytes, start.VhdUuid, (long)Math.Min(start.Footer.CurrentSizeBytes, long.MaxValue)));
                }
            }
        }

        return result;
    }
}
