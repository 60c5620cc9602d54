using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// Builds the file that puts LVs of an older metadata copy back into the newest one (the F2
/// repair; lvm2.md 4.3): the newest copy's tree, plus each chosen LV's section copied verbatim
/// with the hidden sub-LVs it uses, area PV keys re-mapped through PV ids, seqno set so the
/// restored metadata is above every copy on disk. It refuses when the result could lose or mix
/// data: extents now used by another LV, a name or id already taken, a PV the newest copy lacks.
/// </summary>
public static class RestoreMetadataBuilder
{
    private const string Structure = "restore plan";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="newest">The newest (highest seqno) copy: the base of the file.</param>
    /// <param name="source">The older copy that still has the LVs.</param>
    /// <param name="lvNames">
    /// LVs to restore; null = every visible LV of <paramref name="source"/> absent (by id and by
    /// name) from <paramref name="newest"/>. Hidden sub-LVs they use are added either way.
    /// </param>
    /// <param name="force">
    /// Write the file despite extent conflicts or a damaged source LV; never despite a missing PV,
    /// an LV missing from the source, or a name or id already taken.
    /// </param>
    /// <param name="highestSeqnoSeen">
    /// The highest seqno in any mda of any PV of the VG (ignored mdas included, lvm2.md 4.4), when
    /// the caller knows one above <paramref name="newest"/>'s.
    /// </param>
    /// <param name="timeProvider">For creation_time; the system clock by default.</param>
    /// <param name="reusedSince">
    /// The history's extent-reuse rule (<see cref="ExtentReuse.Find"/>) for a chosen LV: ranges a
    /// version between the source and the newest gave to another LV. Without it only the newest copy is checked.
    /// </param>
    public static RestorePlan Build(VgMetadata newest, VgMetadata source, IReadOnlyCollection<string>? lvNames, bool force,
        FindingLog log, long? highestSeqnoSeen = null, TimeProvider? timeProvider = null, Func<string, IReadOnlyList<RestoreConflict>>? reusedSince = null)
    {
        ArgumentNullException.ThrowIfNull(newest);
        return Build(() => newest, source, lvNames, force, log, highestSeqnoSeen, timeProvider, reusedSince);
    }

    /// <summary>
    /// As <see cref="Build(VgMetadata, VgMetadata, IReadOnlyCollection{string}?, bool, FindingLog, long?, TimeProvider?, Func{string, IReadOnlyList{RestoreConflict}}?)"/>,
    /// with the newest copy parsed (with its text tree) by <paramref name="parseNewest"/>, asked
    /// once: its tree (27 MiB for 16,000 LVs) is let go once the file is written, before the file
    /// is parsed again to check it (issue 14).
    /// </summary>
    public static RestorePlan Build(Func<VgMetadata> parseNewest, VgMetadata source, IReadOnlyCollection<string>? lvNames, bool force,
        FindingLog log, long? highestSeqnoSeen = null, TimeProvider? timeProvider = null, Func<string, IReadOnlyList<RestoreConflict>>? reusedSince = null)
    {
        ArgumentNullException.ThrowIfNull(parseNewest);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(log);
        if (lvNames is not null && lvNames.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("LV names must not be null or empty.", nameof(lvNames));
        }

        var state = new State(log);
        var draft = Draft(parseNewest, source, lvNames, force, state, highestSeqnoSeen, timeProvider ?? TimeProvider.System, reusedSince);
        var refused = draft.Refused;
        var text = draft.Text?.TakeAll();
        if (text is not null)
        {
            refused = !ReadBack(text, force, state);
            text = refused ? null : text;
        }

        return new RestorePlan
        {
            Utf8 = text,
            Seqno = draft.Seqno,
            RestoredLvs = draft.RestoredLvs,
            Conflicts = draft.Conflicts,
            Problems = state.Problems,
            Refused = refused,
        };
    }

    /// <summary>
    /// The checks, and the file's text unless they refuse it. The newest copy's model and tree
    /// live in this method's frame only, so they are gone when <see cref="Build(Func{VgMetadata}, VgMetadata, IReadOnlyCollection{string}?, bool, FindingLog, long?, TimeProvider?, Func{string, IReadOnlyList{RestoreConflict}}?)"/>
    /// reads the file back, whatever code the JIT made of the caller.
    /// </summary>
    private static DraftFile Draft(Func<VgMetadata> parseNewest, VgMetadata source, IReadOnlyCollection<string>? lvNames, bool force, State state,
        long? highestSeqnoSeen, TimeProvider timeProvider, Func<string, IReadOnlyList<RestoreConflict>>? reusedSince)
    {
        var newest = parseNewest();
        // vgcfgrestore stores file seqno + 1 (vg_write increments; lvm2.md 4.2, verified: a seqno-9
        // file restored as seqno 10). So the file carries the highest seqno seen, not one more.
        var seqno = Math.Max(Math.Max(newest.Seqno, source.Seqno), highestSeqnoSeen ?? 0);
        if (newest.Name != source.Name || (newest.Id.Length > 0 && source.Id.Length > 0 && newest.Id != source.Id))
        {
            state.Hard("lvm.restore.vg-mismatch",
                $"the source copy is VG {source.Name} ({source.Id}) but the newest copy is VG {newest.Name} ({newest.Id})");
        }

        var chosen = Choose(newest, source, lvNames, state);
        var pvKeyMap = CheckLvs(newest, source, chosen, state);
        var conflicts = FindConflicts(newest, source, chosen);
        if (reusedSince is not null)
        {
            var known = conflicts.Select(c => (c.LvName, c.PvId, c.FirstPe, c.OtherLvName)).ToHashSet();
            conflicts.AddRange(chosen.SelectMany(l => reusedSince(l.Name)).Where(c => known.Add((c.LvName, c.PvId, c.FirstPe, c.OtherLvName))));
        }

        foreach (var c in conflicts)
        {
            state.Soft("lvm.restore.extent-conflict",
                $"PEs {c.FirstPe}-{c.FirstPe + c.PeCount - 1} of PV {c.PvId} used by {c.LvName} in seqno {source.Seqno} " +
                (c.Seqno is { } at ? $"were given to {c.OtherLvName} in seqno {at}" : $"are now used by {c.OtherLvName}"));
        }

        var restored = chosen.Select(l => l.Name).ToList();
        var refused = state.HardCount > 0 || (state.Problems.Count > 0 && !force);
        if (chosen.Count == 0 && !refused)
        {
            state.Log.Add(Severity.Info, "lvm.restore.nothing", Structure, -1,
                $"no LV of seqno {source.Seqno} is missing from seqno {newest.Seqno}; the file is the newest metadata only");
        }

        ChunkedWriteStream? text = null;
        if (!refused)
        {
            // Encoded as it is written: the file's bytes are all that is held (5.6 MiB for 16,000 LVs).
            text = new ChunkedWriteStream();
            using var writer = new StreamWriter(text, Utf8NoBom, 1 << 16, leaveOpen: true);
            RestoreTextComposer.Compose(writer, newest, source, chosen, pvKeyMap, seqno, timeProvider.GetUtcNow().ToUnixTimeSeconds());
        }

        return new DraftFile(text, seqno, restored, conflicts, refused);
    }

    /// <summary>What <see cref="Draft"/> found: the file's bytes (null when refused), its seqno, the LVs it restores and their conflicts.</summary>
    private sealed record DraftFile(ChunkedWriteStream? Text, long Seqno, IReadOnlyList<string> RestoredLvs, IReadOnlyList<RestoreConflict> Conflicts, bool Refused);

    /// <summary>The requested LVs (or the default set) plus, recursively, the hidden sub-LVs they use.</summary>
    private static List<LvMetadata> Choose(VgMetadata newest, VgMetadata source, IReadOnlyCollection<string>? lvNames, State state)
    {
        var queue = new Queue<LvMetadata>();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<string> requested = lvNames ?? source.Lvs
            .Where(l => l.IsVisible && newest.FindLv(l.Name) is null && newest.FindLvById(l.Id) is null)
            .Select(l => l.Name);
        foreach (var name in requested)
        {
            if (source.FindLv(name) is not { } lv)
            {
                state.Hard("lvm.restore.lv-not-in-source", $"LV {name} is not in the source copy (seqno {source.Seqno})");
            }
            else if (chosen.Add(name))
            {
                queue.Enqueue(lv);
            }
        }

        while (queue.Count > 0)
        {
            var lv = queue.Dequeue();
            var used = lv.Segments.SelectMany(s => s.Areas.Where(a => !a.IsPv).Select(a => a.Name).Concat(s.ReferencedLvNames));
            foreach (var name in used.Distinct(StringComparer.Ordinal))
            {
                if (chosen.Contains(name) || newest.FindLv(name) is { IsVisible: true })
                {
                    continue; // restored too, or a visible LV (a thin pool, an origin) that still exists
                }

                if (source.FindLv(name) is not { } sub)
                {
                    state.Hard("lvm.restore.missing-reference", $"LV {lv.Name} uses LV {name}, which the source copy does not have");
                }
                else if (sub.IsVisible)
                {
                    state.Hard("lvm.restore.missing-reference",
                        $"LV {lv.Name} uses LV {name}, which is not in the newest copy: restore it too");
                }
                else
                {
                    chosen.Add(name);
                    queue.Enqueue(sub);
                }
            }
        }

        // Keep the source copy's order (LVM writes visible LVs first, then hidden ones).
        return [.. source.Lvs.Where(l => chosen.Contains(l.Name)).DistinctBy(l => l.Name)];
    }

    /// <summary>Name and id clashes, damage, and the pvN re-mapping (source key → PV id → newest key).</summary>
    private static Dictionary<string, string> CheckLvs(VgMetadata newest, VgMetadata source, List<LvMetadata> chosen, State state)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var lv in chosen)
        {
            if (newest.FindLv(lv.Name) is not null)
            {
                state.Hard("lvm.restore.name-exists", $"an LV named {lv.Name} exists in the newest copy (seqno {newest.Seqno})");
            }
            else if (newest.FindLvById(lv.Id) is { } same)
            {
                state.Hard("lvm.restore.id-exists", $"LV {lv.Name}'s id {lv.Id} is used by {same.Name} in the newest copy");
            }

            if (lv.HasErrors || lv.Id.Length == 0)
            {
                state.Soft("lvm.restore.damaged-lv", $"LV {lv.Name} is damaged in seqno {source.Seqno} (see the findings of that copy)");
            }

            foreach (var segment in lv.Segments)
            {
                foreach (var area in segment.Areas.Where(a => a.IsPv))
                {
                    MapPv(newest, source, lv, segment, area, map, state);
                }
            }
        }

        return map;
    }

    private static void MapPv(VgMetadata newest, VgMetadata source, LvMetadata lv, LvSegment segment, SegmentArea area,
        Dictionary<string, string> map, State state)
    {
        var oldPv = source.FindPvByKey(area.Name);
        var newPv = oldPv is null ? null : newest.FindPvById(oldPv.Id);
        if (oldPv is null || newPv is null)
        {
            state.Hard("lvm.restore.pv-missing", oldPv is null
                ? $"LV {lv.Name} uses {area.Name}, which the source copy does not list"
                : $"LV {lv.Name} uses PV {oldPv.Id} ({area.Name} in seqno {source.Seqno}), which is not in the newest copy; vgcfgrestore needs every PV");
            return;
        }

        map[area.Name] = newPv.Key;
        var end = new PhysicalExtentRange(newPv.Id, area.StartIndex, segment.AreaLengthExtents).EndPe;
        if (end > newPv.PeCount)
        {
            state.Soft("lvm.restore.beyond-pv",
                $"LV {lv.Name} uses PEs up to {end - 1} of PV {newPv.Id}, which now has only {newPv.PeCount}");
        }
    }

    /// <summary>Every PE range a chosen LV shares with an LV of the newest copy or with another chosen LV.</summary>
    private static List<RestoreConflict> FindConflicts(VgMetadata newest, VgMetadata source, List<LvMetadata> chosen)
    {
        var conflicts = new List<RestoreConflict>();
        var current = newest.Lvs.Select(l => (l.Name, Ranges: l.PhysicalRanges(newest))).ToList();
        var restoring = chosen.Select(l => (l.Name, Ranges: l.PhysicalRanges(source))).ToList();
        for (var i = 0; i < restoring.Count; i++)
        {
            var others = current.Concat(restoring.Take(i));
            foreach (var range in restoring[i].Ranges)
            {
                foreach (var (otherName, otherRanges) in others)
                {
                    foreach (var other in otherRanges)
                    {
                        if (range.Intersect(other) is { } shared)
                        {
                            conflicts.Add(new RestoreConflict(restoring[i].Name, shared.PvId, shared.FirstPe, shared.PeCount, otherName));
                        }
                    }
                }
            }
        }

        return conflicts;
    }

    /// <summary>
    /// Parses the produced file again and reads it as a VG: an Error there that no check above
    /// explains (damage in the newest copy itself, a case not foreseen) refuses the plan unless
    /// forced. With known problems and force, errors are expected and not repeated.
    /// </summary>
    private static bool ReadBack(ReadOnlySpan<byte> text, bool force, State state)
    {
        if (state.Problems.Count > 0)
        {
            return force;
        }

        var log = new FindingLog();
        var root = ConfigParser.Parse(text, 0, log, "restore file");
        _ = VgMetadataReader.Read(root, log, 0, "restore file", keepTree: false);
        var errors = log.Where(f => f.Severity == Severity.Error).ToList();
        foreach (var e in errors.Take(10))
        {
            state.Soft("lvm.restore.readback", $"the written file does not read back cleanly: {e.Message} [{e.Code}]");
        }

        return errors.Count == 0 || force;
    }

    /// <summary>Problems found so far; hard ones refuse even with force.</summary>
    private sealed class State(FindingLog log)
    {
        public FindingLog Log => log;

        public List<string> Problems { get; } = [];

        public int HardCount { get; private set; }

        public void Hard(string code, string message)
        {
            HardCount++;
            Soft(code, message);
        }

        public void Soft(string code, string message)
        {
            Problems.Add(message);
            log.Add(Severity.Error, code, Structure, -1, message);
        }
    }
}
