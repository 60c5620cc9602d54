using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// A carved LV read through its extent map: logical extent k is physical extent
/// <c>Pes[k]</c> of the PV; a missing entry (-1) reads as zeros.
/// </summary>
public sealed class CarvedLv : ISparseSource
{
    private readonly long[] _pes;
    private readonly MappedVolume _volume;

    public CarvedLv(IByteSource pv, ExtentGrid grid, IReadOnlyList<long> pes, string name)
    {
        ArgumentNullException.ThrowIfNull(pv);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(pes);
        _pes = [.. pes];
        var e = grid.ExtentSizeBytes;
        var runs = new List<MappedVolume.Run>();
        for (var le = 0; le < _pes.Length; le++)
        {
            if (_pes[le] < 0)
            {
                continue;
            }

            // Extents that follow each other on the PV make one run.
            var previous = runs.Count > 0 ? runs[^1] : null;
            if (previous is not null && previous.End == le * e && le > 0 && _pes[le - 1] == _pes[le] - 1)
            {
                runs[^1] = previous with { Length = previous.Length + e };
            }
            else
            {
                runs.Add(new MappedVolume.Run(le * e, e, [new MappedVolume.Area(pv, grid.OffsetOf(_pes[le]))]));
            }
        }

        _volume = new MappedVolume(name, checked(_pes.Length * e), runs);
    }

    public string Name => _volume.Name;

    public long Length => _volume.Length;

    public IReadOnlyList<long> Pes => _pes;

    public int ReadAt(long offset, Span<byte> buffer) => _volume.ReadAt(offset, buffer);

    public long NextDataOffset(long offset, long limit) => _volume.NextDataOffset(offset, limit);

    public long NextHoleOffset(long offset, long limit) => _volume.NextHoleOffset(offset, limit);
}
