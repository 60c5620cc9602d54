using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// The extents of several PVs of one SR as one run, in the order given (the order the SR grew:
/// LVM fills the first PV before it allocates on the next), so that an LV spanning PVs is carved
/// like any other. The first PV keeps its own byte layout (its head, then its extents at their
/// offsets); the extents of the next PVs follow its last one. <see cref="Describe"/> and
/// <see cref="Physical"/> turn a byte offset of the run back into a place on a real source.
/// </summary>
internal sealed class ExtentSpace : ISparseSource
{
    private readonly List<Part> _parts = [];
    private readonly MappedVolume _volume;

    /// <param name="pvs">Each PV with its grid and metadata uuid (null when unknown); all of one extent size.</param>
    public ExtentSpace(IReadOnlyList<(IByteSource Pv, ExtentGrid Grid, string? PvId)> pvs)
    {
        ArgumentNullException.ThrowIfNull(pvs);
        if (pvs.Count == 0 || pvs.Any(p => p.Grid.ExtentSizeBytes != pvs[0].Grid.ExtentSizeBytes))
        {
            throw new ArgumentException("one or more PVs, all with the same extent size", nameof(pvs));
        }

        long first = 0;
        foreach (var (pv, grid, id) in pvs)
        {
            _parts.Add(new Part(pv, grid, id, first));
            first += grid.ExtentCount;
        }

        var head = pvs[0].Grid;
        Grid = new ExtentGrid(head.PeStartBytes, head.ExtentSizeBytes, first,
            string.Join("; ", pvs.Select(p => $"{p.Pv.Name}: {p.Grid.Evidence}")));
        // The first PV's head (label, metadata) as it is, then every PV's extents one after the other.
        List<MappedVolume.Run> runs = [new MappedVolume.Run(0, head.PeStartBytes, [new MappedVolume.Area(pvs[0].Pv, 0)])];
        runs.AddRange(_parts.Select(p => new MappedVolume.Run(Grid.OffsetOf(p.FirstPe), p.Grid.ExtentCount * head.ExtentSizeBytes,
            [new MappedVolume.Area(p.Pv, p.Grid.OffsetOf(0))])));
        _volume = new MappedVolume(string.Join(" + ", pvs.Select(p => p.Pv.Name)), Grid.OffsetOf(first), runs);
    }

    private sealed record Part(IByteSource Pv, ExtentGrid Grid, string? PvId, long FirstPe);

    public string Name => _volume.Name;

    public long Length => _volume.Length;

    /// <summary>The grid of the whole run: the first PV's pe_start, every PV's extents numbered on.</summary>
    public ExtentGrid Grid { get; }

    public int PvCount => _parts.Count;

    /// <summary>Which PV (index in the order given) and which of its extents run extent <paramref name="pe"/> is.</summary>
    public (int Pv, long Pe) Locate(long pe)
    {
        for (var i = _parts.Count - 1; i >= 0; i--)
        {
            if (pe >= _parts[i].FirstPe)
            {
                return (i, pe - _parts[i].FirstPe);
            }
        }

        return (0, pe);
    }

    /// <summary>Run extent number of extent <paramref name="pe"/> of PV <paramref name="pv"/>.</summary>
    public long ToRun(int pv, long pe) => _parts[pv].FirstPe + pe;

    public IByteSource PvSource(int index) => _parts[index].Pv;

    public ExtentGrid PvGrid(int index) => _parts[index].Grid;

    public string? PvId(int index) => _parts[index].PvId;

    /// <summary>The real source and byte offset of byte <paramref name="at"/> of the run.</summary>
    public (IByteSource Source, long Offset) Physical(long at)
    {
        if (at < Grid.PeStartBytes || _parts.Count == 1)
        {
            return (_parts[0].Pv, at);
        }

        var e = Grid.ExtentSizeBytes;
        var (pv, pe) = Locate((at - Grid.PeStartBytes) / e);
        return (_parts[pv].Pv, _parts[pv].Grid.OffsetOf(pe) + ((at - Grid.PeStartBytes) % e));
    }

    /// <summary>"byte N" on the first PV, "byte N of SOURCE" on the others.</summary>
    public string Describe(long at)
    {
        var (source, offset) = Physical(at);
        return ReferenceEquals(source, _parts[0].Pv) ? $"byte {offset}" : $"byte {offset} of {source.Name}";
    }

    /// <summary>"byte N" for a plain source, or the place a run's offset stands for.</summary>
    public static string Describe(IByteSource source, long at) => source is ExtentSpace space ? space.Describe(at) : $"byte {at}";

    /// <summary>"extent N" on the first PV, "extent N of SOURCE" on the others.</summary>
    public static string Extent(IByteSource source, long pe)
    {
        if (source is not ExtentSpace { PvCount: > 1 } space)
        {
            return $"extent {pe}";
        }

        var (pv, real) = space.Locate(pe);
        return pv == 0 ? $"extent {real}" : $"extent {real} of {space._parts[pv].Pv.Name}";
    }

    /// <summary>Adds a finding about byte <paramref name="at"/> of <paramref name="source"/>, naming the real source and offset.</summary>
    public static void Log(Diagnostics.FindingLog log, IByteSource source, Diagnostics.Severity severity, string code, string structure, long at, string message)
    {
        ArgumentNullException.ThrowIfNull(log);
        var (name, offset) = Where(source, at);
        log.Add(severity, code, structure, offset, message, source: name);
    }

    /// <summary>The source and offset a finding about byte <paramref name="at"/> of <paramref name="source"/> should name.</summary>
    public static (string Source, long Offset) Where(IByteSource source, long at)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source is ExtentSpace space)
        {
            var (s, o) = space.Physical(at);
            return (s.Name, o);
        }

        return (source.Name, at);
    }

    public int ReadAt(long offset, Span<byte> buffer) => _volume.ReadAt(offset, buffer);

    public long NextDataOffset(long offset, long limit) => _volume.NextDataOffset(offset, limit);

    public long NextHoleOffset(long offset, long limit) => _volume.NextHoleOffset(offset, limit);
}
