using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// Everything the LVM layer can tell about a set of sources: each PV's label and metadata areas,
/// every metadata copy (plus backup files), and the per-VG history. The CLI commands start here.
/// </summary>
public sealed class LvmInspection : IDisposable
{
    private LvmInspection(PvSet pvs, IReadOnlyList<MetadataCopy> backupCopies, MetadataHistory history, FindingLog log)
    {
        Pvs = pvs;
        BackupCopies = backupCopies;
        History = history;
        Findings = log;
    }

    public PvSet Pvs { get; }

    public IReadOnlyList<MetadataCopy> BackupCopies { get; }

    public MetadataHistory History { get; }

    /// <summary>The VG the sources hold now (see <see cref="MetadataHistory.Primary"/>), or null when no metadata was found.</summary>
    public VgHistory? Vg => History.Primary;

    public FindingLog Findings { get; }

    /// <param name="searchInside">Look for a PV further into a source without a label at its start (reads the whole source).</param>
    public static LvmInspection Open(IReadOnlyList<string> sources, string? lvmBackupFolder, IProgress<WorkProgress>? progress = null, bool searchInside = true)
    {
        var log = new FindingLog();
        var pvs = PvSet.Open(sources, log, progress, searchInside);
        try
        {
            return Build(pvs, lvmBackupFolder, log);
        }
        catch
        {
            pvs.Dispose();
            throw;
        }
    }

    public static LvmInspection Build(PvSet pvs, string? lvmBackupFolder, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(pvs);
        ArgumentNullException.ThrowIfNull(log);
        var backups = lvmBackupFolder is null ? [] : BackupFolderReader.Read(lvmBackupFolder, log);
        var history = MetadataHistory.Build(pvs.Copies.Concat(backups), log);
        if (history.Vgs.Count == 0)
        {
            log.Add(Severity.Error, "lvm.no-metadata", "metadata area", -1, "no LVM metadata copy was found on any source");
        }
        else if (history.Primary?.Newest?.Vg is { } newest)
        {
            pvs.BindUnlabeled(newest, log);
            ReportTruncated(pvs, newest, log);
        }

        return new LvmInspection(pvs, backups, history, log);
    }

    /// <summary>A PV source shorter than pe_start + pe_count extents: the extents past its end are missing.</summary>
    private static void ReportTruncated(PvSet pvs, Model.VgMetadata vg, FindingLog log)
    {
        foreach (var pv in vg.Pvs)
        {
            var source = pvs.FindPv(pv.Id);
            var need = (pv.PeStartSectors * 512) + (pv.PeCount * vg.ExtentSizeBytes);
            if (source is not null && need > source.Length)
            {
                log.Add(Severity.Error, SourceCodes.Truncated, "PV", source.Length,
                    $"PV {pv.Id} ({pv.Key}) on {source.Name} ends at byte {source.Length}, but its {pv.PeCount} extents run to byte {need}: bytes {source.Length}-{need - 1} are missing (the image is truncated)",
                    stored: source.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), computed: $">= {need}", source: source.Name);
            }
        }
    }

    public void Dispose() => Pvs.Dispose();
}
