using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Qcow2;

namespace SrRescue.Carving;

/// <summary>
/// Opens the carved QCOW2 images and links children to parents. A child names its backing file
/// only by path (<c>/dev/VG_XenStorage-&lt;sr&gt;/QCOW2-&lt;uuid&gt;</c>, sm's snapshot): that gives
/// the parent's VDI uuid, but no carved image carries its own name, so which image is that parent
/// must come from the images: a parent is hidden (sm hides every base copy; an image without the
/// 'vate' extension was not made by sm and may be anything), no larger than its child (qemu-img
/// gives a child its backing file's size; a leaf may grow later) and not below its own child.
/// Images the same size are preferred. One candidate left: linked, and it takes the uuid. Several:
/// not linked, the candidates are reported, the child reads without its backing file. Images no
/// child names get a uuid derived from where they start, until MGT names them (Recovery).
/// </summary>
internal static class Qcow2ChainLinker
{
    private static readonly string[] Prefixes = [CarvedQcow2Vdi.LvPrefix, "VHD-", "LV-"];

    public static List<CarvedQcow2Vdi> Link(IByteSource pv, ExtentGrid grid, IReadOnlyList<CarvedQcow2> carved, FindingLog log)
    {
        var backing = carved.ToDictionary(c => c, c => BackingLv(c.Start.BackingFileName));
        var parentOf = new Dictionary<CarvedQcow2, CarvedQcow2>();
        var named = new Dictionary<CarvedQcow2, string>();
        var ambiguous = new Dictionary<CarvedQcow2, List<long>>();
        var groups = carved.Where(c => backing[c].Lv?.StartsWith(CarvedQcow2Vdi.LvPrefix, StringComparison.Ordinal) == true)
            .GroupBy(c => backing[c].Uuid!, StringComparer.OrdinalIgnoreCase).ToList();
        for (var progress = true; progress;)
        {
            progress = false;
            foreach (var g in groups.Where(g => !g.All(parentOf.ContainsKey)))
            {
                var children = g.ToList();
                var candidates = Candidates(carved, children, named, g.Key, parentOf);
                if (candidates.Count == 1)
                {
                    foreach (var child in children)
                    {
                        parentOf[child] = candidates[0];
                        ambiguous.Remove(child);
                    }

                    named[candidates[0]] = g.Key.ToLowerInvariant();
                    progress = true;
                }
                else
                {
                    children.ForEach(child => ambiguous[child] = candidates.Select(c => c.Start.Pe).ToList());
                }
            }
        }

        Report(pv, grid, carved, backing, parentOf, ambiguous, log);
        return carved.Select(c =>
        {
            var lv = new CarvedLv(pv, grid, c.Pes, $"carved QCOW2 at {ExtentSpace.Extent(pv, c.Start.Pe)} of {pv.Name}");
            var image = Qcow2Image.Open(lv, log);
            var (uuid, source) = named.TryGetValue(c, out var n) ? (n, VdiUuidSource.ChildBackingFile) : (DerivedUuid(c.Start), VdiUuidSource.Derived);
            return new CarvedQcow2Vdi(c, lv, image, uuid, source, [], backing[c].Uuid, backing[c].Lv,
                parentOf.TryGetValue(c, out var p) ? p.Start.Pe : null, ambiguous.TryGetValue(c, out var a) ? a : []);
        }).ToList();
    }

    /// <summary>The images that may be the backing file the children name (uuid <paramref name="uuid"/>).</summary>
    private static List<CarvedQcow2> Candidates(IReadOnlyList<CarvedQcow2> carved, List<CarvedQcow2> children, Dictionary<CarvedQcow2, string> named, string uuid,
        Dictionary<CarvedQcow2, CarvedQcow2> parentOf)
    {
        var already = named.Where(n => string.Equals(n.Value, uuid, StringComparison.OrdinalIgnoreCase)).Select(n => n.Key).ToList();
        if (already.Count > 0)
        {
            return already;
        }

        var smallest = children.Min(c => c.Start.VirtualSizeBytes);
        var possible = carved.Where(x => !children.Contains(x) && !named.ContainsKey(x) && x.Start.IsHidden != false
            && x.Start.VirtualSizeBytes <= smallest && !Below(x, children, parentOf)).ToList();
        var sameSize = possible.Where(x => children.All(c => c.Start.VirtualSizeBytes == x.Start.VirtualSizeBytes)).ToList();
        return sameSize.Count > 0 ? sameSize : possible;
    }

    /// <summary>Whether <paramref name="x"/> is a child (or deeper) of one of <paramref name="children"/>: it cannot be their parent.</summary>
    private static bool Below(CarvedQcow2 x, List<CarvedQcow2> children, Dictionary<CarvedQcow2, CarvedQcow2> parentOf)
    {
        var seen = new HashSet<CarvedQcow2>();
        for (var p = x; parentOf.TryGetValue(p, out var up) && seen.Add(up); p = up)
        {
            if (children.Contains(up))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The LV a backing file path names (its last component, or a device-mapper name), with the VDI uuid in it.</summary>
    public static (string? Lv, string? Uuid) BackingLv(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return (null, null);
        }

        var last = path.Replace('\\', '/');
        last = last[(last.LastIndexOf('/') + 1)..];
        foreach (var name in new[] { last, DeviceMapperName.Split(path)?.Lv })
        {
            foreach (var prefix in Prefixes)
            {
                if (name is not null && name.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParseExact(name[prefix.Length..], "D", out var g))
                {
                    return (name, g.ToString());
                }
            }
        }

        return (null, null);
    }

    /// <summary>A stand-in VDI uuid, the same on every run: a version-8 uuid from where the image starts and its size.</summary>
    public static string DerivedUuid(Qcow2Start start)
    {
        var hash = Sha256.HashData(Encoding.UTF8.GetBytes($"srrescue carved qcow2 at {start.OffsetBytes}, virtual size {start.VirtualSizeBytes}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static void Report(IByteSource pv, ExtentGrid grid, IReadOnlyList<CarvedQcow2> carved, Dictionary<CarvedQcow2, (string? Lv, string? Uuid)> backing,
        Dictionary<CarvedQcow2, CarvedQcow2> parentOf, Dictionary<CarvedQcow2, List<long>> ambiguous, FindingLog log)
    {
        foreach (var c in carved.Where(c => c.Start.BackingFileName is not null && !parentOf.ContainsKey(c)))
        {
            var at = grid.OffsetOf(c.Start.Pe);
            var who = $"QCOW2 at {ExtentSpace.Extent(pv, c.Start.Pe)}";
            if (ambiguous.TryGetValue(c, out var candidates) && candidates.Count > 1)
            {
                ExtentSpace.Log(log, pv, Severity.Warning, "carve.qcow2.parent-ambiguous", "carved QCOW2", at,
                    $"{who} names its backing file '{c.Start.BackingFileName}'; the carved images at extents {string.Join(", ", candidates)} could each be it (hidden, the same size): not linked, it reads as zeros where the backing file would be read");
            }
            else if (backing[c].Lv is { } lv && !lv.StartsWith(CarvedQcow2Vdi.LvPrefix, StringComparison.Ordinal))
            {
                ExtentSpace.Log(log, pv, Severity.Warning, "carve.qcow2.parent-not-qcow2", "carved QCOW2", at,
                    $"{who} names its backing file '{c.Start.BackingFileName}', which is not a QCOW2 LV: it is read from a carved VHD VDI of that uuid if there is one, else as zeros");
            }
            else
            {
                ExtentSpace.Log(log, pv, Severity.Warning, "carve.qcow2.parent-missing", "carved QCOW2", at,
                    $"{who} names its backing file '{c.Start.BackingFileName}'; no carved image can be it (hidden, no larger than the child): it reads as zeros where the backing file would be read");
            }
        }
    }
}
