using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Reports;

/// <summary>`history`: every VG's metadata versions with their copies and changes, and the removed LVs with what restores them.</summary>
internal sealed record HistoryReport(string Schema, IReadOnlyList<HistoryReport.VgEntry> Vgs, IReadOnlyList<HistoryReport.RemovedLv> Removed,
    IReadOnlyList<FindingReport> Findings)
{
    internal sealed record VgEntry(string Name, string Id, bool Current, IReadOnlyList<VersionEntry> Versions);

    /// <summary>One seqno; <see cref="PrimaryCopy"/> is the index of the copy it is read from.</summary>
    internal sealed record VersionEntry(long Seqno, string Checksum, bool Committed, bool Damaged, long? CreationTime, string? CreationHost,
        string? Description, long? LvCount, IReadOnlyList<CopyReport> Copies, int PrimaryCopy, IReadOnlyList<LvChangeReport> Changes);

    /// <summary>
    /// An LV of the current VG removed in <see cref="RemovedIn"/>; restorable when a usable copy before still defines it and no LV took its
    /// extents since. <see cref="ExtentsGivenTo"/>: the LVs that first took each of its extents (<see cref="ExtentReuse.TakenBy"/>).
    /// </summary>
    internal sealed record RemovedLv(string Lv, long RemovedIn, long? LastDefinedIn, IReadOnlyList<string> ExtentsGivenTo, string? RestoreCommand);

    public static HistoryReport Of(LvmInspection lvm)
    {
        var vgs = lvm.History.Vgs.OrderByDescending(v => ReferenceEquals(v, lvm.Vg)).Select(vg => new VgEntry(vg.VgName, vg.VgId, ReferenceEquals(vg, lvm.Vg),
            [.. vg.Versions.Select(v => new VersionEntry(v.Seqno, $"{v.Checksum:x8}", v.IsCommitted, v.IsDamaged, v.Summary?.CreationTime, v.Summary?.CreationHost,
                v.Summary?.Description, v.Summary?.LvCount, [.. v.Copies.Select(CopyReport.Of)], IndexOf(v.Copies, v.Primary), [.. v.Changes.Select(LvChangeReport.Of)]))])).ToList();
        return new HistoryReport("srrescue.history/1", vgs, RemovedLvs(lvm), FindingReport.Of(lvm.Findings));
    }

    private static int IndexOf(IReadOnlyList<MetadataCopy> copies, MetadataCopy primary)
    {
        for (var i = 0; i < copies.Count; i++)
        {
            if (ReferenceEquals(copies[i], primary))
            {
                return i;
            }
        }

        return 0;
    }

    private static List<RemovedLv> RemovedLvs(LvmInspection lvm)
    {
        var removed = new List<RemovedLv>();
        var versions = lvm.Vg?.Versions ?? [];
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i];
            foreach (var c in v.Changes.Where(c => c.Kind == LvChangeKind.Removed))
            {
                var before = LastDefining(versions, i, v.Seqno, c.LvName);
                var reused = before is null ? [] : ExtentReuse.TakenBy(lvm.Vg!, before.Seqno, c.LvName);
                removed.Add(new RemovedLv(c.LvName, v.Seqno, before?.Seqno, reused,
                    before is not null && reused.Count == 0 ? $"srrescue restore-metadata --seqno {before.Seqno} --lv {c.LvName} -o FILE" : null));
            }
        }

        return removed;
    }

    /// <summary>The newest usable version before index <paramref name="end"/> with a lower seqno that defines the LV: searched backwards, as it is nearly always the one before.</summary>
    private static MetadataVersion? LastDefining(IReadOnlyList<MetadataVersion> versions, int end, long seqno, string lvName)
    {
        for (var i = end - 1; i >= 0; i--)
        {
            if (versions[i].Seqno < seqno && versions[i].IsUsable && versions[i].Defines(lvName))
            {
                return versions[i];
            }
        }

        return null;
    }
}
