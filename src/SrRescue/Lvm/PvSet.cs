using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// The devices or images given on the command line, each scanned as a PV. Several sources are the
/// PVs of one VG; they are matched to the metadata by PV UUID (never by order or device name).
/// Owns the open sources.
/// </summary>
public sealed class PvSet : IDisposable
{
    private readonly List<FileSource> _files;
    private readonly Dictionary<string, int> _bound = new(StringComparer.Ordinal);

    private PvSet(List<FileSource> files, IReadOnlyList<PvScan> pvs, IReadOnlyList<IByteSource> pvSources)
    {
        _files = files;
        Pvs = pvs;
        PvSources = pvSources;
    }

    public IReadOnlyList<PvScan> Pvs { get; }

    /// <summary>The readable PV behind each entry of <see cref="Pvs"/> (byte 0 = PV start).</summary>
    public IReadOnlyList<IByteSource> PvSources { get; }

    public IEnumerable<MetadataCopy> Copies => Pvs.SelectMany(p => p.Copies);

    /// <summary>
    /// Opens and scans every path read-only. A source without an LVM label at its start is
    /// searched for labels further in (a PV inside a partition whose table is gone, fault F1),
    /// unless <paramref name="searchInside"/> is false (that search reads the whole source).
    /// I/O errors (missing file, no permission) propagate.
    /// </summary>
    public static PvSet Open(IReadOnlyList<string> paths, FindingLog log, IProgress<WorkProgress>? progress = null, bool searchInside = true)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<FileSource>();
        try
        {
            foreach (var path in paths)
            {
                files.Add(FileSource.Open(path));
            }

            return FromSources(files, files, log, progress, searchInside);
        }
        catch
        {
            foreach (var f in files)
            {
                f.Dispose();
            }

            throw;
        }
    }

    /// <summary>Scans sources that are PVs from byte 0 (tests, embedded images).</summary>
    public static PvSet FromSources(IReadOnlyList<IByteSource> sources, FindingLog log) => FromSources(sources, [], log, null, true);

    private static PvSet FromSources(IReadOnlyList<IByteSource> sources, List<FileSource> owned, FindingLog log, IProgress<WorkProgress>? progress, bool searchInside)
    {
        var scans = new List<PvScan>();
        var pvSources = new List<IByteSource>();
        foreach (var s in sources)
        {
            var startLog = new FindingLog();
            var atStart = PvScanner.Scan(s, 0, startLog);
            var container = atStart.Label is null ? ContainerFormat.Detect(s) : null;
            if (container is not null)
            {
                log.Add(Severity.Error, SourceCodes.Container, "source", 0, container.Describe(s.Name), source: s.Name);
            }

            var inside = atStart.Label is null && searchInside && container is null ? FindInside(s, log, progress) : [];
            if (atStart.Label is null && !searchInside)
            {
                log.Add(Severity.Info, "lvm.pv.not-searched", "LVM label", 0,
                    $"no LVM label at the start of {s.Name}, and no search further in was asked for: the source is taken to be the PV", source: s.Name);
            }

            if (inside.Count == 0)
            {
                foreach (var f in startLog)
                {
                    log.Add(f);
                }

                scans.Add(atStart);
                pvSources.Add(s);
                continue;
            }

            foreach (var found in inside)
            {
                var length = found.DeviceSizeBytes > 0 ? Math.Min(found.DeviceSizeBytes, s.Length - found.PvStartBytes) : s.Length - found.PvStartBytes;
                var pv = new SubRangeSource(s, found.PvStartBytes, length, $"{s.Name}@{found.PvStartBytes}");
                scans.Add(PvScanner.Scan(pv, found.PvStartBytes, log, s.Name));
                pvSources.Add(pv);
            }
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scan in scans)
        {
            if (scan.PvUuid is { } id && !seen.TryAdd(id, scan.Source))
            {
                log.Add(Severity.Warning, "lvm.pv.duplicate", "LVM label", scan.LabelOffsetBytes,
                    $"PV {id} is also on {seen[id]} (a cloned disk?); the first one given is used", source: scan.Source);
            }
        }

        return new PvSet(owned, scans, pvSources);
    }

    /// <summary>
    /// PVs further into a source that has no label at its start (checksum-valid labels only): first
    /// where partitions start (<see cref="PvStartProbe"/>: a few reads of 2 KiB), and only when
    /// nothing is there, every sector (<see cref="LostPvSearch"/>: one read of the whole source).
    /// </summary>
    private static List<FoundPv> FindInside(IByteSource source, FindingLog log, IProgress<WorkProgress>? progress)
    {
        var probeLog = new FindingLog();
        var found = PvStartProbe.Find(source, probeLog, progress).Where(f => f.CrcMatches && f.PvStartBytes > 0).ToList();
        if (found.Count > 0)
        {
            foreach (var f in probeLog)
            {
                log.Add(f);
            }

            log.Add(Severity.Info, "lvm.pv.search-partition-starts", "LVM label", 0,
                $"no LVM label at the start of {source.Name}; found where a partition starts (a 1 MiB boundary, or sector 34 or 63), so the rest of it was not searched (`partitions --find` searches every sector)", source: source.Name);
        }
        else
        {
            log.Add(Severity.Info, "lvm.pv.search-every-sector", "LVM label", 0,
                $"no LVM label at the start of {source.Name} nor at any 1 MiB boundary (or sector 34 or 63) of it: every sector searched, one read of the whole source (--no-pv-search skips this)", source: source.Name);
            found = LostPvSearch.Find(source, log, progress).Where(f => f.CrcMatches && f.PvStartBytes > 0).ToList();
        }

        foreach (var f in found)
        {
            log.Add(Severity.Warning, "lvm.pv.inside", "LVM label", f.LabelOffsetBytes,
                $"no LVM label at the start of {source.Name}; PV {f.PvUuid} starts at byte {f.PvStartBytes} (a partition whose table may be gone)", source: source.Name);
        }

        return found;
    }

    /// <summary>
    /// The UUID of the PV this source is (from its label, or bound by metadata when the label is
    /// gone), or null when it is not one of <see cref="PvSources"/> or nothing says which PV it is.
    /// </summary>
    public string? PvUuidOf(IByteSource source)
    {
        for (var i = 0; i < PvSources.Count; i++)
        {
            if (ReferenceEquals(PvSources[i], source))
            {
                return Pvs[i].PvUuid ?? _bound.FirstOrDefault(b => b.Value == i).Key;
            }
        }

        return null;
    }

    /// <summary>Where the PV with this UUID lies: its scan (source name and byte offset there), or null when none of the sources carries it.</summary>
    public PvScan? ScanOf(string pvUuid) => FindPv(pvUuid) is { } source ? Pvs[PvSources.ToList().IndexOf(source)] : null;

    /// <summary>The readable PV with this UUID (dashed form), or null when none of the sources carries it.</summary>
    public IByteSource? FindPv(string pvUuid)
    {
        for (var i = 0; i < Pvs.Count; i++)
        {
            if (string.Equals(Pvs[i].PvUuid, pvUuid, StringComparison.Ordinal))
            {
                return PvSources[i];
            }
        }

        return _bound.TryGetValue(pvUuid, out var index) ? PvSources[index] : null;
    }

    /// <summary>
    /// Lets metadata name PVs whose label is gone (fault F3: label and metadata area zeroed, the VG
    /// known only from another copy or a backup file). A PV uuid of <paramref name="vg"/> that no
    /// label carries is bound to a source without a label when that is the only candidate; the
    /// binding is reported. Several candidates are not guessed at.
    /// </summary>
    public void BindUnlabeled(Model.VgMetadata vg, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(vg);
        ArgumentNullException.ThrowIfNull(log);
        var missing = vg.Pvs.Where(p => FindPv(p.Id) is null).ToList();
        var unlabeled = Enumerable.Range(0, Pvs.Count).Where(i => Pvs[i].PvUuid is null && !_bound.ContainsValue(i)).ToList();
        foreach (var pv in missing)
        {
            // A source smaller than the extents the metadata places on it cannot be that PV.
            var fits = unlabeled.Where(i => PvSources[i].Length >= (pv.PeStartSectors * 512) + (pv.PeCount * vg.ExtentSizeBytes)).ToList();
            if (fits.Count != 1 || missing.Count != 1)
            {
                log.Add(Severity.Error, "lvm.pv.not-found", "PV", -1, $"PV {pv.Id} ({pv.Key}) of {vg.Name} is not among the sources (no label carries its uuid)");
                continue;
            }

            _bound[pv.Id] = fits[0];
            unlabeled.Remove(fits[0]);
            log.Add(Severity.Warning, "lvm.pv.bound-without-label", "PV", Pvs[fits[0]].PvOffsetBytes,
                $"{Pvs[fits[0]].Source} has no LVM label; it is taken as PV {pv.Id} of {vg.Name}, the only PV the metadata names that no label carries", source: Pvs[fits[0]].Source);
        }
    }

    public void Dispose()
    {
        foreach (var f in _files)
        {
            f.Dispose();
        }
    }
}
