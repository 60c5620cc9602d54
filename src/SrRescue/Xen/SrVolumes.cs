using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Xen;

/// <summary>
/// The LVs of an SR as readable volumes, present or removed: an LV is read through the newest
/// usable metadata version that defines it (the current one when it still exists).
/// </summary>
public sealed class SrVolumes(LvmInspection lvm)
{
    private readonly Dictionary<(string, long), LvVolume> _opened = [];

    // Per version: its LVs by name and their ids, so asking about every LV of a VG of thousands is not quadratic.
    private readonly Dictionary<MetadataVersion, (Dictionary<string, LvPlacement> ByName, HashSet<string> Ids)> _placements = [];

    public LvmInspection Lvm { get; } = lvm ?? throw new ArgumentNullException(nameof(lvm));

    /// <summary>The version an LV is read through: <paramref name="seqno"/> if given, else the newest that defines it.</summary>
    public MetadataVersion? VersionFor(string lvName, long? seqno = null)
    {
        var vg = Lvm.Vg;
        if (vg is null)
        {
            return null;
        }

        if (seqno is { } n)
        {
            var v = vg.Find(n);
            return v is { IsUsable: true } && v.Defines(lvName) ? v : null;
        }

        return vg.Newest is { } newest && newest.Defines(lvName) ? newest : vg.NewestDefining(lvName);
    }

    /// <summary>The LV as a volume, or null when no usable version defines it.</summary>
    public LvVolume? Open(string lvName, FindingLog log, long? seqno = null)
    {
        var version = VersionFor(lvName, seqno);
        if (version?.Vg?.FindLv(lvName) is not { } lv)
        {
            return null;
        }

        var key = (lvName, version.Seqno);
        if (!_opened.TryGetValue(key, out var volume))
        {
            volume = LvVolume.Open(version.Vg!, lv, Lvm.Pvs.FindPv, log);
            _opened[key] = volume;
        }

        return volume;
    }

    /// <summary>Every LV name any usable version defines, newest versions first.</summary>
    public IEnumerable<string> AllLvNames() =>
        Lvm.Vg?.Versions.Where(v => v.IsUsable).Reverse().SelectMany(v => v.Summary!.LvNames).Distinct(StringComparer.Ordinal) ?? [];

    /// <summary>The LV of a VDI (VHD-, QCOW2- or LV-&lt;uuid&gt;) in any usable version, newest first, or null.</summary>
    public string? LvOfVdi(string vdiUuid)
    {
        ArgumentNullException.ThrowIfNull(vdiUuid);
        var uuid = vdiUuid.Trim().ToLowerInvariant();
        return AllLvNames().FirstOrDefault(n => LvName.Parse(n) is { IsVdi: true } x && x.VdiUuid == uuid);
    }

    /// <summary>
    /// Extents of a removed LV that a later metadata version gave to another LV: its data there may
    /// be overwritten (even when that other LV was itself removed again since). Empty for an LV
    /// that is still in the newest metadata.
    /// </summary>
    public IReadOnlyList<(PhysicalExtentRange Range, string OtherLv)> OverwrittenBy(string lvName, long? seqno = null)
    {
        var version = VersionFor(lvName, seqno);
        var newest = Lvm.Vg?.Newest;
        var mine = version?.Summary is null ? null : PlacementsOf(version).ByName.GetValueOrDefault(lvName);
        if (mine is null || newest?.Summary is null || PlacementsOf(newest).Ids.Contains(mine.Id))
        {
            return [];
        }

        return [.. ExtentReuse.Find(Lvm.Vg!, version!.Seqno, lvName).Select(c => (new PhysicalExtentRange(c.PvId, c.FirstPe, c.PeCount), c.OtherLvName))];
    }

    private (Dictionary<string, LvPlacement> ByName, HashSet<string> Ids) PlacementsOf(MetadataVersion version)
    {
        if (!_placements.TryGetValue(version, out var index))
        {
            var byName = new Dictionary<string, LvPlacement>(StringComparer.Ordinal);
            foreach (var lv in version.Summary!.Lvs)
            {
                byName.TryAdd(lv.Name, lv); // the first of a name, as a search in order finds it
            }

            index = (byName, version.Summary.Lvs.Select(l => l.Id).ToHashSet(StringComparer.Ordinal));
            _placements[version] = index;
        }

        return index;
    }
}
