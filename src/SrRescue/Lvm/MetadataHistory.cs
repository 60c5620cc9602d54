using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;

namespace SrRescue.Lvm;

/// <summary>
/// Turns every copy found (rings of all PVs, backup files) into per-VG histories: copies with the
/// same VG uuid, seqno and checksum are one version; versions are ordered by seqno (not by their
/// place in the ring, which wraps), parsed, and compared with the previous usable version.
/// </summary>
public sealed class MetadataHistory
{
    private MetadataHistory(IReadOnlyList<VgHistory> vgs)
    {
        Vgs = vgs;
        Primary = FindPrimary(vgs);
    }

    public IReadOnlyList<VgHistory> Vgs { get; }

    /// <summary>
    /// The VG the sources belong to now: the one with a committed copy of the highest seqno, else
    /// the one with the most versions. Older VGs on a re-used disk are the others. Found once: the
    /// commands ask for it often, and a wrapped ring has thousands of versions to look through.
    /// </summary>
    public VgHistory? Primary { get; }

    private static VgHistory? FindPrimary(IReadOnlyList<VgHistory> vgs) =>
        vgs.Where(v => v.Versions.Any(x => x.IsCommitted)).OrderByDescending(v => v.Versions.Where(x => x.IsCommitted).Max(x => x.Seqno)).FirstOrDefault()
        ?? vgs.OrderByDescending(v => v.Versions.Count).FirstOrDefault();

    public static MetadataHistory Build(IEnumerable<MetadataCopy> copies, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(log);
        var vgs = new List<VgHistory>();
        foreach (var byVg in copies.GroupBy(c => c.VgId, StringComparer.Ordinal))
        {
            var groups = byVg
                .GroupBy(c => (c.Seqno, c.Checksum, Damaged: c.IsDamaged))
                .OrderBy(g => g.Key.Seqno)
                .ThenBy(g => g.Key.Damaged)
                .Select(PlacesInOrder)
                .ToList();
            var versions = BuildVersions(groups, log);
            WarnAboutSeqnoTies(versions, log);
            var name = versions.LastOrDefault(v => !v.IsDamaged)?.VgName ?? versions[^1].VgName;
            vgs.Add(new VgHistory(byVg.Key, name, versions));
        }

        if (vgs.Count > 1)
        {
            log.Add(Severity.Info, "lvm.history.several-vgs", "metadata area", -1,
                $"metadata of {vgs.Count} different VGs was found ({string.Join(", ", vgs.Select(v => v.VgName))}): the disk was re-used");
        }

        return new MetadataHistory(vgs);
    }

    /// <summary>The places of one version: ring before backup file, then by source and offset (most versions have one place).</summary>
    private static List<MetadataCopy> PlacesInOrder(IEnumerable<MetadataCopy> places)
    {
        var list = places.ToList();
        return list.Count == 1 ? list : [.. list.OrderBy(c => c.Origin).ThenBy(c => c.Source, StringComparer.Ordinal).ThenBy(c => c.OffsetBytes)];
    }

    /// <summary>
    /// Parses the versions in seqno order and diffs each usable version with the previous usable
    /// one. Only summaries and changes are kept; a ring of thousands of copies is not held in
    /// memory as parsed trees. The LV sections a version repeats from one read before are not
    /// parsed again (<see cref="LvSectionReuse"/>).
    /// </summary>
    private static List<MetadataVersion> BuildVersions(List<List<MetadataCopy>> groups, FindingLog log)
    {
        var versions = new List<MetadataVersion>(groups.Count);
        var reuse = new LvSectionReuse();
        var cache = new ParsedVgCache();
        VgMetadata? previous = null;
        MetadataSummary? previousSummary = null;
        foreach (var list in groups)
        {
            var first = list[0];
            var vg = first.IsDamaged ? null : ParseReusing(first, log, reuse);
            IReadOnlyList<LvChange> changes = vg is not null && previous is not null ? MetadataDiff.Compare(previous, vg) : [];
            var summary = vg is null ? null : MetadataSummary.Of(vg, previous, previousSummary);
            versions.Add(new MetadataVersion(first.Seqno, first.VgName, first.VgId, first.Checksum, list, summary, changes, cache));
            if (vg is not null)
            {
                (previous, previousSummary) = (vg, summary);
            }
        }

        return versions;
    }

    /// <summary>
    /// <see cref="Parse"/>, taking again the LV sections read before. A version whose reading
    /// reports anything is parsed again on its own, so its findings are exactly those of
    /// <see cref="Parse"/>. The VG returned serves the summary and the diff only: LVs taken again
    /// keep the offsets of the copy they were read from.
    /// </summary>
    private static VgMetadata? ParseReusing(MetadataCopy copy, FindingLog log, LvSectionReuse reuse)
    {
        var local = new FindingLog();
        try
        {
            var root = ConfigParser.Parse(copy.Utf8.Span, copy.OffsetBytes, local, copy.Source, reuse);
            var vg = VgMetadataReader.Read(root, local, copy.OffsetBytes, copy.Source, keepTree: false, reuse: reuse);
            if (local.Count == 0)
            {
                reuse.Keep();
                return vg;
            }
        }
        catch (CorruptDataException)
        {
            // Read again below, where the finding is reported.
        }

        reuse.Forget();
        return Parse(copy, log, keepTree: false);
    }

    /// <summary>Parses one copy's text into the VG model; parse problems of intact copies are findings.</summary>
    /// <param name="keepTree">False: a lean model without the text tree (<see cref="Model.TreeNotKept"/>).</param>
    /// <param name="keepLvTree">In a lean model, the LVs (name, id) whose sections are kept.</param>
    public static VgMetadata? Parse(MetadataCopy copy, FindingLog log, bool keepTree = true, Func<string, string, bool>? keepLvTree = null)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var local = new FindingLog();
        VgMetadata? vg;
        try
        {
            var root = ConfigParser.Parse(copy.Utf8.Span, copy.OffsetBytes, local, copy.Source);
            vg = VgMetadataReader.Read(root, local, copy.OffsetBytes, copy.Source, keepTree, keepLvTree);
        }
        catch (CorruptDataException e)
        {
            local.Add(e.Finding);
            vg = null;
        }

        foreach (var f in local)
        {
            log.Add(f with { Message = $"seqno {copy.Seqno}: {f.Message}" });
        }

        return vg;
    }

    private static void WarnAboutSeqnoTies(List<MetadataVersion> versions, FindingLog log)
    {
        foreach (var tie in versions.Where(v => !v.IsDamaged).GroupBy(v => v.Seqno).Where(g => g.Count() > 1))
        {
            log.Add(Severity.Warning, "lvm.history.seqno-tie", "metadata copy", tie.First().Primary.OffsetBytes,
                $"seqno {tie.Key} exists with {tie.Count()} different texts (a restore of an older file, or PVs that disagree); all are listed");
        }
    }
}
