using SrRescue.Io;
using SrRescue.Lvm;

namespace SrRescue.Carving;

/// <summary>
/// Where the PV's extents lie: <c>pe_start</c> and the extent size. Taken from the newest LVM
/// metadata's entry for that PV when any survives (XenServer re-creates an SR with the same
/// layout, so the new SR's grid is the old one's too); otherwise the XenServer layout: 10 MiB
/// metadata area, pe_start 11 MiB, 4 MiB extents (xenserver-lvhd.md 4, vhd.md 6.5).
/// </summary>
public sealed record ExtentGrid(long PeStartBytes, long ExtentSizeBytes, long ExtentCount, string Evidence)
{
    public const long XenServerPeStartBytes = 11L << 20;
    public const long XenServerExtentSizeBytes = 4L << 20;

    /// <summary>Largest extent size accepted from metadata (LVM's own limit is far larger, but no SR uses one).</summary>
    public const long MaxExtentSizeBytes = 1L << 30;

    public long OffsetOf(long pe) => checked(PeStartBytes + (pe * ExtentSizeBytes));

    /// <summary>The grid of this PV: from the metadata's entry for it when that is sane, else the XenServer default.</summary>
    public static ExtentGrid Find(IByteSource pv, LvmInspection? lvm)
    {
        ArgumentNullException.ThrowIfNull(pv);
        var vg = lvm?.Vg?.Newest?.Vg;
        var pvId = lvm?.Pvs.PvUuidOf(pv);
        var pvMeta = vg?.Pvs.FirstOrDefault(p => p.Id == pvId);
        if (vg is not null && pvMeta is not null && vg.ExtentSizeBytes is > 0 and <= MaxExtentSizeBytes
            && pvMeta.PeStartSectors > 0 && pvMeta.PeStartSectors * 512 < pv.Length)
        {
            var start = pvMeta.PeStartSectors * 512;
            var count = Math.Min(pvMeta.PeCount, (pv.Length - start) / vg.ExtentSizeBytes);
            return new ExtentGrid(start, vg.ExtentSizeBytes, count, $"LVM metadata of {vg.Name} (seqno {vg.Seqno})");
        }

        return Default(pv.Length);
    }

    public static ExtentGrid Default(long pvLengthBytes) =>
        new(XenServerPeStartBytes, XenServerExtentSizeBytes,
            Math.Max(0, (pvLengthBytes - XenServerPeStartBytes) / XenServerExtentSizeBytes),
            "no LVM metadata: XenServer layout (pe_start 11 MiB, 4 MiB extents)");
}
