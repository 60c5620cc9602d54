using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Qcow2;
using SrRescue.Vhd;

namespace SrRescue.Xen;

/// <summary>
/// Finds a QCOW2 image's backing file among the LVs of its SR. XCP-ng's sm names the parent by its
/// LV path, /dev/VG_XenStorage-&lt;sr&gt;/QCOW2-&lt;uuid&gt; (qcow2util.snapshot: qemu-img create -b; xenserver-lvhd.md 2.8),
/// so the LV is the path's last component; the device-mapper spelling
/// (/dev/mapper/VG_XenStorage--&lt;sr&gt;-QCOW2--&lt;uuid&gt;, xenserver-lvhd.md 1.1) names it too. A
/// parent whose LV was removed is read through the newest copy that still has it. A QCOW2- LV
/// continues the chain, an LV- LV is the raw disk below it, and a VHD- LV is read as its VHD chain
/// (unless the child says its backing file is raw, which qemu would read as bytes).
/// </summary>
public sealed class LvBackingResolver(SrVolumes volumes) : IQcow2BackingResolver
{
    public ResolvedBacking? Resolve(Qcow2Image child, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(log);
        if (LvOf(child.BackingFileName ?? "") is not { } named || volumes.Open(named.Lv, log) is not { } volume)
        {
            return null;
        }

        if (named.Vg is { } vg && volumes.Lvm.Vg?.VgName is { } ours && vg != ours)
        {
            log.Add(Severity.Warning, XenCodes.BackingOtherVg, "QCOW2 backing file", Qcow2Header.Off.BackingFileOffset,
                $"the backing file '{child.BackingFileName}' is in VG {vg}, not in {ours}; the LV {named.Lv} of {ours} is read in its place", source: child.Name);
        }

        if (LvName.Parse(named.Lv).Kind == LvKind.VhdVdi && child.BackingFormat is null or "vpc")
        {
            var chain = VhdChain.Open(volume, named.Lv, new LvParentResolver(volumes), log, LvhdFooters.OnLv);
            return new ResolvedBacking(chain.Disk, named.Lv);
        }

        return new ResolvedBacking(volume, named.Lv);
    }

    /// <summary>
    /// The LV a backing file name means, with the VG the path names (null when the path has none):
    /// /dev/&lt;vg&gt;/&lt;lv&gt; or a bare LV name, else a device-mapper name; null when it is neither.
    /// </summary>
    public static (string? Vg, string Lv)? LvOf(string backingFile)
    {
        ArgumentNullException.ThrowIfNull(backingFile);
        var parts = backingFile.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var last = parts[^1];
        if (LvName.Parse(last).IsVdi)
        {
            return (parts.Length >= 2 && parts[^2] != "mapper" ? parts[^2] : null, last);
        }

        return DeviceMapperName.Split(last) is { } dm ? (dm.Vg, dm.Lv) : null;
    }
}
