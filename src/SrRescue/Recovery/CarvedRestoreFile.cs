using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;

namespace SrRescue.Recovery;

/// <summary>
/// The vgcfgrestore file of a carve, made so that applying it can only add LVs. vgcfgrestore
/// replaces the whole VG metadata (lvm2.md 4.2): a file with the carved LVs alone, applied to a
/// disk whose metadata still has a VG (an SR re-created over the old one), would drop every LV
/// that VG has. So when a VG is still there, the file is that VG's newest metadata plus the carved
/// LVs, built and checked by the same rules as restore-metadata (names, ids, PVs, extents in use);
/// when none is, it describes the carved LVs alone. Nothing carved: no file.
/// </summary>
public static class CarvedRestoreFile
{
    /// <summary>The file text, or null with the reasons it was not written.</summary>
    public sealed record Outcome(string? Text, IReadOnlyList<string> Problems, string? IntoVg);

    public static Outcome Build(CarveResult result, LvmInspection lvm, FindingLog log, long unixTime)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(lvm);
        ArgumentNullException.ThrowIfNull(log);
        var placed = result.Vdis.Where(v => v.Vhd.Extents.All(x => x.Pe >= 0)).Select(v => v.LvName)
            .Concat(result.Qcow2Vdis.Where(v => v.Carved.Extents.All(x => x.Pe >= 0)).Select(v => v.LvName)).ToList();
        if (placed.Count == 0)
        {
            const string Nothing = "no VDI was carved with every extent placed, so no vgcfgrestore file was written (a file without LVs would drop the LVs the VG has)";
            log.Add(Severity.Warning, "carve.restore.nothing", "carve", -1, Nothing);
            return new Outcome(null, [Nothing], null);
        }

        // With its text tree: the restore file is the newest copy's text with the carved LVs added.
        var newest = lvm.Vg?.Newest?.ParseWithTree();
        if (newest is null || newest.Lvs.Count == 0)
        {
            return new Outcome(CarvedVgFile.Write(result, lvm, unixTime), [], null);
        }

        var carvedText = CarvedVgFile.Write(result, lvm, unixTime, into: newest);
        var carvedLog = new FindingLog();
        var carved = VgMetadataReader.Read(ConfigParser.Parse(carvedText, 0, carvedLog, "carved LVs"), carvedLog, 0, "carved LVs");
        if (carved is null)
        {
            var unreadable = $"the carved LVs could not be described as a VG ({string.Join("; ", carvedLog.Select(f => f.Message))}); no vgcfgrestore file was written";
            log.Add(Severity.Error, "carve.restore.unreadable", "carve", -1, unreadable);
            return new Outcome(null, [unreadable], newest.Name);
        }

        var plan = RestoreMetadataBuilder.Build(newest, carved, carved.Lvs.Select(l => l.Name).ToList(), force: false, log,
            highestSeqnoSeen: lvm.Vg?.Versions.Select(v => v.Seqno).DefaultIfEmpty(0).Max());
        if (plan.Refused || plan.Text is null)
        {
            var problems = plan.Problems.Select(p => $"{p}; no vgcfgrestore file was written").ToList();
            return new Outcome(null, problems.Count > 0 ? problems : ["the merged restore file was refused; no vgcfgrestore file was written"], newest.Name);
        }

        return new Outcome(plan.Text, [], newest.Name);
    }
}
