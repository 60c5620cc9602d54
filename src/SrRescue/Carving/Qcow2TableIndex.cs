using System.Buffers;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// Where on the PV a table of a given shape may lie at a given offset inside an extent: the free
/// extents whose cluster there is a well-formed table of that kind, whatever image it belongs to
/// (entries with their reserved bits clear, on cluster boundaries, inside the PV; refcounts that
/// are counts). Each (shape, offset) is looked up once for the whole carve, one cluster read per
/// free extent that is not a hole; an image then checks only these candidates against what it
/// knows. Several images of one shape (qemu-img's defaults) share the look-ups; at worst the free
/// extents are read once for each cluster offset inside an extent (the first 4 KiB of a cluster
/// turn most data away; holes of a sparse source are not read).
/// </summary>
internal sealed class Qcow2TableIndex
{
    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly Func<long, bool> _blocked;
    private readonly IProgress<WorkProgress>? _progress;
    private readonly Dictionary<(Qcow2TableShape Shape, long Offset), List<long>> _found = [];

    /// <summary>What is read first of a candidate cluster: 512 L2 entries, enough to turn most data away.</summary>
    private const int FirstLookBytes = 4096;

    /// <param name="blocked">Extents that are no image's table: reserved by metadata, or the first extent of a VHD or QCOW2.</param>
    public Qcow2TableIndex(IByteSource pv, ExtentGrid grid, Func<long, bool> blocked, IProgress<WorkProgress>? progress)
    {
        _pv = pv;
        _grid = grid;
        _blocked = blocked;
        _progress = progress;
    }

    /// <summary>Whole clusters read so far (past the first look).</summary>
    public long ClustersRead { get; private set; }

    /// <summary>The extents, ascending, whose cluster at <paramref name="offsetInExtent"/> may be a table of this shape.</summary>
    public IReadOnlyList<long> Candidates(Qcow2TableShape shape, long offsetInExtent)
    {
        if (_found.TryGetValue((shape, offsetInExtent), out var list))
        {
            return list;
        }

        list = [];
        var c = (int)(1L << shape.ClusterBits);
        var generic = new GenericQcow2Knowledge(shape.ClusterBits, shape.ExtendedL2, shape.RefcountOrder, _grid.ExtentCount * _grid.ExtentSizeBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(c);
        try
        {
            for (long pe = 0; pe < _grid.ExtentCount; pe++)
            {
                if (pe % 256 == 0)
                {
                    _progress?.Report(new WorkProgress("finding QCOW2 tables", pe * _grid.ExtentSizeBytes, _grid.ExtentCount * _grid.ExtentSizeBytes));
                }

                var at = _grid.OffsetOf(pe) + offsetInExtent;
                if (_blocked(pe) || (_pv is ISparseSource sparse && sparse.NextDataOffset(at, at + c) >= at + c))
                {
                    continue;
                }

                // Most extents hold data, which fails in its first 4 KiB: only the rest reads the whole cluster.
                var first = buffer.AsSpan(0, Math.Min(c, FirstLookBytes));
                first[_pv.ReadFullyAt(at, first)..].Clear();
                var look = Qcow2TableCheck.Check(shape.Kind, first, generic, -1, -1);
                if (look.Invalid > 2 && look.Invalid > look.Valid)
                {
                    continue;
                }

                var cluster = buffer.AsSpan(0, c);
                var n = _pv.ReadFullyAt(at, cluster);
                cluster[n..].Clear();
                ClustersRead++;
                var verdict = Qcow2TableCheck.Check(shape.Kind, cluster, generic, -1, -1);
                if (verdict.IsClean || verdict.IsDamaged)
                {
                    list.Add(pe);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _found[(shape, offsetInExtent)] = list;
        return list;
    }
}
