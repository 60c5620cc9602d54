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

    /// <summary>Opens and scans every path read-only. I/O errors (missing file, no permission) propagate.</summary>
    public static PvSet Open(IReadOnlyList<string> paths, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<FileSource>();
        try
        {
            foreach (var path in paths)
            {
                files.Add(FileSource.Open(path));
            }

            return FromSources(files, files, log);
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
    public static PvSet FromSources(IReadOnlyList<IByteSource> sources, FindingLog log) => FromSources(sources, [], log);

    private static PvSet FromSources(IReadOnlyList<IByteSource> sources, List<FileSource> owned, FindingLog log)
    {
        var scans = new List<PvScan>();
        foreach (var s in sources)
        {
            scans.Add(PvScanner.Scan(s, 0, log));
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

        return new PvSet(owned, scans, [.. sources]);
    }

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

        return null;
    }

    public void Dispose()
    {
        foreach (var f in _files)
        {
            f.Dispose();
        }
    }
}
