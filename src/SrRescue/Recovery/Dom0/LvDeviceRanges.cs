using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Recovery.Dom0;

/// <summary>
/// Where the bytes of an LV lie on the devices: each linear segment's extents at
/// <c>PV offset + pe_start + pe × extent size</c> (lvm2.md 3.9), the device being the capture the
/// PV was found in. XenServer SRs use linear segments only; a striped or other segment, or a
/// PV none of the captures holds, is left out and named in the notes.
/// </summary>
internal sealed class LvDeviceRanges(PvSet pvs, IReadOnlyList<string> captures, List<string> notes)
{
    /// <summary>The device ranges holding LV bytes [<paramref name="from"/>, + <paramref name="length"/>), in LV order; target offsets are LV offsets.</summary>
    public List<DeviceRange> Place(VgMetadata vg, LvMetadata lv, long from, long length, string what)
    {
        var extentBytes = vg.ExtentSizeBytes;
        var ranges = new List<DeviceRange>();
        foreach (var seg in lv.Segments.OrderBy(s => s.StartExtent))
        {
            var segStart = seg.StartExtent * extentBytes;
            var segEnd = seg.EndExtent == long.MaxValue ? long.MaxValue : seg.EndExtent * extentBytes;
            var start = Math.Max(segStart, from);
            var end = Math.Min(segEnd, from + length);
            if (start >= end)
            {
                continue;
            }

            if (!seg.IsStriped || seg.Areas.Count != 1 || vg.FindPvByKey(seg.Areas[0].Name) is not { } pv)
            {
                notes.Add($"{lv.Name}: segment at extent {seg.StartExtent} ({seg.Type}, {seg.Areas.Count} areas) is not a linear segment on a PV; its bytes are not copied");
                continue;
            }

            var scan = pvs.ScanOf(pv.Id);
            var device = scan is null ? -1 : DeviceOf(scan.Source);
            if (device < 0)
            {
                notes.Add($"{lv.Name}: extents on PV {pv.Id} ({pv.Key}), which none of the captures holds; give the capture of every PV of the SR");
                continue;
            }

            var pvByte = checked(scan!.PvOffsetBytes + (pv.PeStartSectors * 512) + (seg.Areas[0].StartIndex * extentBytes));
            ranges.Add(new DeviceRange(device, checked(pvByte + start - segStart), end - start, start, what));
        }

        return ranges;
    }

    /// <summary>The index of the capture <paramref name="source"/> names, or -1.</summary>
    public int DeviceOf(string source)
    {
        for (var i = 0; i < captures.Count; i++)
        {
            if (string.Equals(captures[i], source, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
