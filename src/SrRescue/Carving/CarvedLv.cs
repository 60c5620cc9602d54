using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// A carved LV read through its extent map: logical extent k is physical extent
/// <c>Pes[k]</c> of the PV; a missing entry (-1) reads as zeros.
/// </summary>
public sealed class CarvedLv : IByteSource
{
    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly long[] _pes;

    public CarvedLv(IByteSource pv, ExtentGrid grid, IReadOnlyList<long> pes, string name)
    {
        ArgumentNullException.ThrowIfNull(pv);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(pes);
        _pv = pv;
        _grid = grid;
        _pes = [.. pes];
        Name = name;
        Length = checked(_pes.Length * grid.ExtentSizeBytes);
    }

    public string Name { get; }

    public long Length { get; }

    public IReadOnlyList<long> Pes => _pes;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Length - offset);
        var done = 0;
        while (done < want)
        {
            var at = offset + done;
            var le = at / _grid.ExtentSizeBytes;
            var inExtent = at % _grid.ExtentSizeBytes;
            var n = (int)Math.Min(want - done, _grid.ExtentSizeBytes - inExtent);
            var span = buffer.Slice(done, n);
            var pe = _pes[le];
            if (pe < 0)
            {
                span.Clear();
            }
            else
            {
                var got = _pv.ReadFullyAt(_grid.OffsetOf(pe) + inExtent, span);
                span[got..].Clear();
            }

            done += n;
        }

        return done;
    }
}
