using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;
using SrRescue.Qcow2;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Recovery.Dom0;

/// <summary>
/// Plans the three dom0 scripts (and the whole-device copy). The rescue machine never sees the
/// device: it reads a capture, a sparse file as long as the device that holds the copied pieces
/// at their own offsets, so every srrescue command reads it as a SOURCE.
/// </summary>
public static class Dom0Planner
{
    /// <summary>
    /// Step 1 copies this much of each device: XenServer's PV has its label in sector 1 and one
    /// metadata area from byte 4096 to pe_start = 11 MiB (xenserver-lvhd.md, lvm2.md 2); 16 MiB
    /// holds that with room, and the first extents after it, where SM puts MGT.
    /// </summary>
    public const long DefaultHeadBytes = 16L << 20;

    /// <summary>
    /// Step 2 copies this much from the start of each VHD and QCOW2 LV: a blktap VHD made with
    /// <c>-S 2097152</c> (SM's default) has footer copy, header, BAT (4 MiB for 2 TiB), batmap
    /// header and batmap in its first 0x420E00 bytes (vhd.md, xenserver-lvhd.md), i.e. two 4 MiB
    /// extents; a QCOW2 header, its L1 and refcount tables lie at its start too.
    /// </summary>
    public const long ImageHeadBytes = 8L << 20;

    /// <summary>A VHD's primary footer: the last sector of the LV.</summary>
    private const long FooterBytes = 512;

    public static Dom0Plan Head(IReadOnlyList<string> devices, long headBytes)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentOutOfRangeException.ThrowIfLessThan(headBytes, 512);
        var named = Name(devices);
        return new Dom0Plan(Dom0Step.Head, named, [.. named.Select((_, i) => new DeviceRange(i, 0, headBytes, 0, "head"))], [], null, []);
    }

    public static Dom0Plan Whole(IReadOnlyList<Dom0Device> devices, string? ssh)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return new Dom0Plan(Dom0Step.Whole, devices, [], [], ssh, []);
    }

    /// <summary>The devices named for their captures: <c>sdb</c> → <c>sdb.capture</c> (a second sdb gets <c>sdb-2.capture</c>).</summary>
    public static IReadOnlyList<Dom0Device> Name(IReadOnlyList<string> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var named = new List<Dom0Device>();
        foreach (var d in devices)
        {
            var stem = new string([.. Path.GetFileName(d.TrimEnd('/')).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]).TrimStart('.');
            stem = stem.Length == 0 ? "device" : stem;
            var name = stem;
            for (var n = 2; !used.Add(name); n++)
            {
                name = $"{stem}-{n}";
            }

            named.Add(new Dom0Device(d, null, name + ".capture"));
        }

        return named;
    }

    /// <summary>The devices the captures came from, as their manifests say.</summary>
    public static IReadOnlyList<Dom0Device> Devices(IReadOnlyList<string> captures, IReadOnlyList<CaptureManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(captures);
        ArgumentNullException.ThrowIfNull(manifests);
        return [.. captures.Select((c, i) => new Dom0Device(manifests[i].DevicePath, manifests[i].DeviceSizeBytes, Path.GetFileName(c)))];
    }

    /// <summary>
    /// Step 2: what the analysis needs beyond the head: every MGT LV whole, and the start and the
    /// last sector of every VHD and QCOW2 LV any usable metadata copy defines (removed ones
    /// through the newest copy that has them), less what the captures already hold.
    /// </summary>
    public static Dom0Plan Capture(SrVolumes volumes, IReadOnlyList<string> captures, IReadOnlyList<CaptureManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        var notes = new List<string>();
        var place = new LvDeviceRanges(volumes.Lvm.Pvs, captures, notes);
        var ranges = new List<DeviceRange>();
        if (volumes.Lvm.Vg?.Newest?.Vg is not { } newest)
        {
            notes.Add("the captures hold no usable LVM metadata: if the PV lies further into the disk (a partition whose table is gone), run step 1 again with a larger --head-mib; if the SR was re-created or its metadata wiped, copy the device whole (--whole) and carve it");
        }
        else
        {
            foreach (var pv in newest.Pvs)
            {
                if (volumes.Lvm.Pvs.ScanOf(pv.Id) is { } scan && place.DeviceOf(scan.Source) is var i and >= 0
                    && !manifests[i].Covers(scan.PvOffsetBytes, pv.PeStartSectors * 512))
                {
                    ranges.Add(new DeviceRange(i, scan.PvOffsetBytes, pv.PeStartSectors * 512, scan.PvOffsetBytes, $"metadata area of PV {pv.Id}"));
                    notes.Add($"the metadata area of PV {pv.Id} runs past what step 1 copied: after this script, run 'srrescue plan dom0' on the captures again, the analysis so far saw only part of it");
                }
            }
        }

        foreach (var name in volumes.AllLvNames())
        {
            var kind = LvName.Parse(name).Kind;
            if (kind is not (LvKind.Mgt or LvKind.VhdVdi or LvKind.Qcow2Vdi) || volumes.VersionFor(name)?.Vg is not { } vg || vg.FindLv(name) is not { } lv)
            {
                continue;
            }

            var size = lv.ExtentCount * vg.ExtentSizeBytes;
            var head = kind == LvKind.Mgt ? size : Math.Min(size, ImageHeadBytes);
            var pieces = place.Place(vg, lv, 0, head, name);
            if (head < size)
            {
                pieces.AddRange(place.Place(vg, lv, size - FooterBytes, FooterBytes, name));
            }

            ranges.AddRange(pieces.Select(r => r with { TargetOffsetBytes = r.OffsetBytes })
                .Where(r => !manifests[r.Device].Covers(r.OffsetBytes, r.LengthBytes)));
        }

        return new Dom0Plan(Dom0Step.Capture, Devices(captures, manifests), [.. ranges.DistinctBy(r => (r.Device, r.OffsetBytes, r.LengthBytes))], [], null, notes);
    }

    /// <summary>
    /// Step 3: one file per LV of each chosen VDI's chain (leaf first, parents found as export
    /// finds them), each LV read through <paramref name="seqno"/> for the leaves or the newest
    /// copy that defines it. <paramref name="vdis"/> empty and <paramref name="all"/>: every VDI LV
    /// of the newest metadata.
    /// </summary>
    public static Dom0Plan Extract(SrVolumes volumes, IReadOnlyList<string> captures, IReadOnlyList<CaptureManifest> manifests,
        IReadOnlyList<string> vdis, bool all, long? seqno, string? ssh, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(vdis);
        var notes = new List<string>();
        var place = new LvDeviceRanges(volumes.Lvm.Pvs, captures, notes);
        var leaves = vdis.Select(v => volumes.LvOfVdi(v) ?? throw new ArgumentException($"no metadata copy has an LV for VDI {v} (VHD-, QCOW2- or LV-<uuid>)", nameof(vdis))).ToList();
        if (all)
        {
            leaves.AddRange((volumes.Lvm.Vg?.Newest?.Summary?.LvNames ?? (IEnumerable<string>)[]).Where(n => LvName.Parse(n).IsVdi).Order(StringComparer.Ordinal));
        }

        var files = new List<Dom0File>();
        foreach (var leaf in leaves.Distinct(StringComparer.Ordinal))
        {
            var version = volumes.VersionFor(leaf, seqno)
                ?? throw new ArgumentException($"the copy with seqno {seqno} does not define {leaf} (or is damaged)", nameof(seqno));
            foreach (var member in Chain(volumes, leaf, version.Seqno, notes, log))
            {
                var memberVersion = member == leaf ? version : volumes.VersionFor(member);
                if (files.Any(f => f.LvName == member) || memberVersion?.Vg?.FindLv(member) is not { } lv)
                {
                    continue;
                }

                var vg = memberVersion.Vg!;
                var size = lv.ExtentCount * vg.ExtentSizeBytes;
                var ranges = place.Place(vg, lv, 0, size, member);
                if (ranges.Sum(r => r.LengthBytes) < size)
                {
                    notes.Add($"{member}: {size - ranges.Sum(r => r.LengthBytes)} of its {size} bytes have no place on the devices; they stay zeros in the file");
                }

                foreach (var (range, other) in volumes.OverwrittenBy(member, memberVersion.Seqno))
                {
                    notes.Add($"{member} was removed; its PV extents {range.FirstPe}-{range.FirstPe + range.PeCount - 1} were given to {other} since, so their data may be overwritten");
                }

                files.Add(new Dom0File(member, member, size, memberVersion.Seqno, ranges));
            }
        }

        return new Dom0Plan(Dom0Step.Extract, Devices(captures, manifests), [], files, ssh, notes);
    }

    /// <summary>The LVs of a VDI's chain, leaf first, read from the captured headers; the leaf alone when they cannot be read.</summary>
    private static IReadOnlyList<string> Chain(SrVolumes volumes, string leaf, long seqno, List<string> notes, FindingLog log)
    {
        var kind = LvName.Parse(leaf).Kind;
        if (kind is not (LvKind.VhdVdi or LvKind.Qcow2Vdi) || volumes.Open(leaf, log, seqno) is not { } volume)
        {
            return [leaf];
        }

        try
        {
            var (members, missing) = kind == LvKind.VhdVdi
                ? VhdChain.Open(volume, leaf, new LvParentResolver(volumes), log, LvhdFooters.OnLv) is var v ? (v.MemberNames, v.MissingParent) : default
                : Qcow2Chain.Open(volume, leaf, new LvBackingResolver(volumes), log) is var q ? (q.MemberNames, q.MissingBacking) : default;
            if (missing is not null)
            {
                notes.Add($"{leaf}: its chain names {missing}, which no metadata copy has; the files hold the chain down to it");
            }

            return [.. members.Where(m => m != missing)];
        }
        catch (CorruptDataException e)
        {
            notes.Add($"{leaf}: its chain could not be read from the capture ({e.Finding.Message}); only its own LV is extracted");
            return [leaf];
        }
    }
}
