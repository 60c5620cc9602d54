using SrRescue.Io;
using SrRescue.Lvm;

namespace SrRescue.Recovery;

/// <summary>
/// Faults of the sources themselves, which no playbook repair mends and which make every answer
/// built on them partial: a source shorter than its PV says (a truncated image or a cut copy), a
/// PV of the VG that no source carries (one LUN of several), and damaged metadata copies (cut,
/// unreadable, or a slot CRC that does not match). Before these were checked the doctor could say
/// "No damage found" over a half-copied disk.
/// </summary>
internal static class SourceFaults
{
    public static void Detect(LvmInspection lvm, List<Fault> faults)
    {
        var truncated = lvm.Findings.Where(f => f.Code == SourceCodes.Truncated).Select(f => f.Message).Distinct(StringComparer.Ordinal).ToList();
        if (truncated.Count > 0)
        {
            faults.Add(new Fault(FaultId.Source, FaultKind.SourceTruncated,
                "A source is shorter than its PV: the image or copy is cut, what lies past its end is not there", truncated));
        }

        if (lvm.Vg?.Newest?.Vg is { } vg)
        {
            var present = lvm.Pvs.PvSources.Select(lvm.Pvs.PvUuidOf).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
            var missing = vg.Pvs.Where(p => !present.Contains(p.Id)).ToList();
            if (missing.Count > 0)
            {
                faults.Add(new Fault(FaultId.Source, FaultKind.PvMissing,
                    $"A PV of VG {vg.Name} is not among the sources: LVs on it are partly or wholly missing",
                    missing.Select(p => $"PV {p.Id} ({p.Key}, last seen as {p.Device ?? "unknown device"}, {p.PeCount} extents) is in the metadata (seqno {vg.Seqno}) but no source carries its label; give every disk of the VG: " +
                        string.Join(", ", LvsOn(vg, p))).ToList()));
            }
        }

        var damaged = lvm.Pvs.Copies.Where(c => c.HasDamage).ToList();
        if (damaged.Count > 0)
        {
            faults.Add(new Fault(FaultId.F3, FaultKind.MetadataCopyDamaged, "Metadata copies in the ring are damaged",
                damaged.Select(c => $"{c.Source}: {(c.IsCommitted ? "the committed copy" : "the copy")} seqno {c.Seqno} at byte {c.OffsetBytes}: {c.DamageText}").ToList()));
        }
    }

    /// <summary>
    /// Sources with no LVM label, no metadata copy, no backup and no VHD the carver could take
    /// (an empty file, /dev/null, a zeroed or foreign disk): they hold no SR, and the doctor says
    /// so instead of a plan. Null when any of those is there.
    /// </summary>
    public static Fault? NothingOfAnSr(LvmInspection lvm, IReadOnlyList<string> sources, IReadOnlyList<Xen.SrVdi> carved, bool searchedInside)
    {
        if (lvm.Pvs.Pvs.Any(p => p.Label is not null) || lvm.Pvs.Copies.Any() || carved.Count > 0)
        {
            return null;
        }

        var evidence = sources.Select(s => $"{s}: no LVM label in sectors 0-3{(searchedInside ? ", none inside it either" : "")}, no metadata area, and carving found no VHD at any extent of the XenServer layout").ToList();
        evidence.Add(searchedInside
            ? "nothing of an SR is on these sources: check that the right disk or LUN was given (srrescue partitions SOURCE --find lists what the disk holds)"
            : "nothing of an SR is at the start of these sources; without --no-pv-search the doctor also looks for a PV inside them");
        return new Fault(FaultId.Source, FaultKind.NoSr, "No LVM PV and no VHD found: these sources hold no SR", evidence);
    }

    private static IEnumerable<string> LvsOn(Lvm.Model.VgMetadata vg, Lvm.Model.PvMetadata pv)
    {
        var names = vg.Lvs.Where(l => l.PhysicalRanges(vg).Any(r => r.PvId == pv.Id)).Select(l => l.Name).ToList();
        return names.Count == 0 ? ["no LV uses it"] : names.Select(n => $"{n} uses it");
    }
}
