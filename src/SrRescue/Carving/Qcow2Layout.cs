using System.Buffers;
using SrRescue.Io;

namespace SrRescue.Carving;

/// <summary>
/// What one carved QCOW2 image is known to hold, read through the extents placed so far: which
/// tables it expects where (the header names the refcount and L1 tables, they name the refcount
/// blocks and L2 tables), which host clusters are tables, which hold data (the L2 tables read say),
/// which are in use (the refcount blocks read say), and so how far into its LV the image reaches.
/// A table is read when the extent holding it is placed; its entries that check out become
/// knowledge, the others are counted against it. Offsets are LV bytes; extent k is LV bytes
/// [k·E, (k+1)·E).
/// </summary>
internal sealed class Qcow2Layout : IQcow2Knowledge
{
    private readonly IByteSource _pv;
    private readonly ExtentGrid _grid;
    private readonly long _e;
    private readonly Dictionary<long, long> _map = [];
    private readonly SortedDictionary<long, List<Qcow2Table>> _pending = [];
    private readonly HashSet<(Qcow2TableKind, long)> _expected = [];
    private readonly ClusterSet _tables = new();
    private readonly ClusterSet _referenced = new();
    private readonly ClusterSet _compressed = new();
    private readonly ClusterSet _used = new();
    private readonly ClusterSet _shared = new();
    private readonly HashSet<long> _blocksRead = [];
    private readonly long _refcountsPerBlock;
    private long _endBytes;

    /// <summary><see cref="CoverageExact"/> once worked out (it walks every cluster in use); reset by whatever reads more.</summary>
    private bool? _coverageExact;

    public Qcow2Layout(Qcow2Start start, IByteSource pv, ExtentGrid grid)
    {
        Start = start;
        _pv = pv;
        _grid = grid;
        _e = grid.ExtentSizeBytes;
        var h = start.Header;
        ClusterBits = (int)h.ClusterBits;
        ClusterSizeBytes = h.ClusterSizeBytes;
        _refcountsPerBlock = ClusterSizeBytes * 8 / (1L << (int)h.RefcountOrder);
        BoundBytes = grid.ExtentCount * _e;
        _tables.Add(0);
        _endBytes = ClusterSizeBytes;
        for (long i = 0; i < h.RefcountTableClusters; i++)
        {
            Expect(new Qcow2Table(Qcow2TableKind.RefcountTable, (long)h.RefcountTableOffset + (i * ClusterSizeBytes), i));
        }

        var l1Clusters = ((h.L1Entries * 8L) + ClusterSizeBytes - 1) / ClusterSizeBytes;
        for (long i = 0; i < l1Clusters; i++)
        {
            Expect(new Qcow2Table(Qcow2TableKind.L1, (long)h.L1TableOffset + (i * ClusterSizeBytes), i));
        }

        if (h.SnapshotCount > 0)
        {
            // The snapshot table's own length is in its entries; its first cluster at least is the image's.
            _tables.Add((long)h.SnapshotsOffset >> ClusterBits);
            _endBytes = Math.Max(_endBytes, (long)h.SnapshotsOffset + ClusterSizeBytes);
        }
    }

    public Qcow2Start Start { get; }

    public int ClusterBits { get; }

    public long ClusterSizeBytes { get; }

    public bool ExtendedL2 => Start.Header.HasExtendedL2;

    public int RefcountOrder => (int)Start.Header.RefcountOrder;

    public long BoundBytes { get; }

    public bool HasSnapshots => Start.Header.SnapshotCount > 0;

    public bool RefcountsTrusted => !Start.RefcountsMayBeStale;

    /// <summary>Logical extent → physical extent, as placed by structure so far.</summary>
    public IReadOnlyDictionary<long, long> Map => _map;

    /// <summary>Logical extents the image reaches into: every host byte it is known to use lies before their end.</summary>
    public long NeededExtents => Math.Max(1, (_endBytes + _e - 1) / _e);

    /// <summary>Data clusters the L2 tables read reference, and clusters the refcount blocks read count.</summary>
    public long KnownDataClusters => _referenced.Count + _compressed.Count;

    /// <summary>
    /// Whether the tables read account for the refcounts exactly: the refcounts are trusted, every
    /// refcount block was read cleanly, no internal snapshot shares clusters, and every cluster in
    /// use is a table or referenced by exactly one entry read (the checks let none be referenced
    /// twice or be free). Then the image is whole as read, and any other choice of a table that
    /// references other clusters would leave some unreferenced or some referenced twice. Tables
    /// left unread can then reference nothing: they are empty.
    /// </summary>
    public bool CoverageExact => _coverageExact ??=
        RefcountsTrusted && !HasSnapshots && !_pending.Values.Any(l => l.Any(t => t.Kind == Qcow2TableKind.RefcountBlock))
        && _expected.Where(e => e.Item1 == Qcow2TableKind.RefcountBlock).All(e => _blocksRead.Contains(e.Item2))
        && _used.All(c => _tables.Contains(c) || _referenced.Contains(c) || _compressed.Contains(c));

    /// <summary>
    /// The host clusters the tables of a slot name when read at <paramref name="pe"/>, whatever
    /// image asks: the clusters an L2 table references, a refcount block counts, an L1 or refcount
    /// table points at. Two places with the same clusters cannot be told apart by any count.
    /// </summary>
    public List<long> Signature(IEnumerable<Qcow2Table> tables, long pe)
    {
        var generic = new GenericQcow2Knowledge(ClusterBits, ExtendedL2, RefcountOrder, BoundBytes);
        var clusters = new List<long>();
        var c = (int)ClusterSizeBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(c);
        try
        {
            foreach (var t in tables)
            {
                var cluster = buffer.AsSpan(0, c);
                var n = _pv.ReadFullyAt(_grid.OffsetOf(pe) + (t.HostOffset % _e), cluster);
                cluster[n..].Clear();
                var offsetBits = 62 - (ClusterBits - 8);
                Qcow2TableCheck.Check(t.Kind, cluster, generic, t.HostOffset, t.Index, (i, v) => clusters.Add(t.Kind switch
                {
                    Qcow2TableKind.RefcountBlock => i,
                    Qcow2TableKind.L2 when (v & Qcow2.L2Entry.CompressedFlag) != 0 => (long)(v & ((1UL << offsetBits) - 1)) >> ClusterBits,
                    _ => (long)(v & Qcow2.L2Entry.OffsetMask) >> ClusterBits,
                }));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        clusters.Sort();
        return clusters;
    }

    /// <summary>Tables whose extent was given up (no extent fits): their entries stay unknown.</summary>
    public List<Qcow2Table> Unread { get; } = [];

    public Qcow2TableShape ShapeOf(Qcow2TableKind kind) => new(kind, ClusterBits, ExtendedL2, RefcountOrder);

    public int RefcountClass(long cluster)
    {
        if (!RefcountsTrusted || !_blocksRead.Contains(cluster / _refcountsPerBlock))
        {
            return -1;
        }

        return !_used.Contains(cluster) ? 0 : _shared.Contains(cluster) ? 2 : 1;
    }

    public bool IsTableCluster(long cluster) => _tables.Contains(cluster);

    public bool IsReferenced(long cluster) => _referenced.Contains(cluster) || _compressed.Contains(cluster);

    /// <summary>The lowest logical extent with tables expected and not read yet, or null.</summary>
    public long? NextPending() => _pending.Count > 0 ? _pending.Keys.First() : null;

    public IReadOnlyList<Qcow2Table> Pending(long k) => _pending.TryGetValue(k, out var list) ? list : [];

    /// <summary>How the tables expected in logical extent <paramref name="k"/> fit physical extent <paramref name="pe"/> (nothing is learnt).</summary>
    public IReadOnlyList<(Qcow2Table Table, TableVerdict Verdict)> Check(long k, long pe) =>
        Pending(k).Select(t => (t, Read(t, pe, learn: false))).ToList();

    /// <summary>How tables given up fit extent <paramref name="pe"/>, where allocation order put their logical extent (nothing is learnt).</summary>
    public IReadOnlyList<(Qcow2Table Table, TableVerdict Verdict)> CheckUnread(long k, long pe) =>
        Unread.Where(t => t.HostOffset / _e == k).Select(t => (t, Read(t, pe, learn: false))).ToList();

    /// <summary>
    /// Places logical extent <paramref name="k"/> at <paramref name="pe"/> and reads the tables
    /// expected there, and those they name inside it in turn (an L1 table naming L2 tables beside
    /// it). Returns every table read with how it fitted.
    /// </summary>
    public List<(Qcow2Table Table, TableVerdict Verdict)> Place(long k, long pe)
    {
        _coverageExact = null;
        _map[k] = pe;
        var read = new List<(Qcow2Table, TableVerdict)>();
        while (_pending.Remove(k, out var tables))
        {
            foreach (var t in tables)
            {
                read.Add((t, Read(t, pe, learn: true)));
            }
        }

        return read;
    }

    /// <summary>No extent fits logical extent <paramref name="k"/>: its tables stay unread (what they would say is unknown).</summary>
    public void GiveUp(long k)
    {
        _coverageExact = null;
        if (_pending.Remove(k, out var tables))
        {
            Unread.AddRange(tables);
        }
    }

    /// <summary>Host offsets of up to <paramref name="max"/> clusters of logical extent <paramref name="k"/> known to hold data (for a look at a candidate).</summary>
    public List<long> DataOffsetsIn(long k, int max)
    {
        var per = _e / ClusterSizeBytes;
        var from = k * per;
        var list = _referenced.InRange(from, from + per, max);
        list.AddRange(_compressed.InRange(from, from + per, max - list.Count).Where(c => !list.Contains(c)));
        if (list.Count < max)
        {
            list.AddRange(_used.InRange(from, from + per, max * 4).Where(c => !_tables.Contains(c) && !list.Contains(c)).Take(max - list.Count));
        }

        return list.Select(c => c * ClusterSizeBytes).ToList();
    }

    private void Expect(Qcow2Table t)
    {
        if (!_expected.Add((t.Kind, t.Index)))
        {
            return;
        }

        _tables.Add(t.HostOffset >> ClusterBits);
        _endBytes = Math.Max(_endBytes, t.HostOffset + ClusterSizeBytes);
        var k = t.HostOffset / _e;
        if (!_pending.TryGetValue(k, out var list))
        {
            _pending[k] = list = [];
        }

        list.Add(t);
    }

    private TableVerdict Read(Qcow2Table t, long pe, bool learn)
    {
        var c = (int)ClusterSizeBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(c);
        try
        {
            var cluster = buffer.AsSpan(0, c);
            var n = _pv.ReadFullyAt(_grid.OffsetOf(pe) + (t.HostOffset % _e), cluster);
            cluster[n..].Clear();
            if (t.Kind == Qcow2TableKind.L1)
            {
                // The last cluster of the L1 table is used only as far as l1_size goes.
                var entries = Math.Min(c / 8, Start.Header.L1Entries - (t.Index * (c / 8)));
                cluster = cluster[..(int)(entries * 8)];
            }

            var verdict = Qcow2TableCheck.Check(t.Kind, cluster, this, t.HostOffset, t.Index);
            if (learn && (verdict.IsClean || verdict.IsDamaged))
            {
                // Only a table that is the table teaches anything, and only its good entries.
                Qcow2TableCheck.Check(t.Kind, cluster, this, t.HostOffset, t.Index, (i, v) => Learn(t, i, v));
                if (t.Kind == Qcow2TableKind.RefcountBlock && verdict.IsClean)
                {
                    // Its zeros say "free" only when no entry of it was wrong.
                    _blocksRead.Add(t.Index);
                }
            }
            else if (learn && verdict.IsEmpty && t.Kind == Qcow2TableKind.RefcountBlock)
            {
                _blocksRead.Add(t.Index);
            }

            return verdict;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>What one good entry of a table read says.</summary>
    private void Learn(Qcow2Table t, long i, ulong v)
    {
        var perCluster = ClusterSizeBytes / 8;
        switch (t.Kind)
        {
            case Qcow2TableKind.RefcountTable:
                Expect(new Qcow2Table(Qcow2TableKind.RefcountBlock, (long)v, (t.Index * perCluster) + i));
                break;
            case Qcow2TableKind.L1:
                Expect(new Qcow2Table(Qcow2TableKind.L2, (long)v, (t.Index * perCluster) + i));
                break;
            case Qcow2TableKind.RefcountBlock:
                _used.Add(i);
                if (v > 1)
                {
                    _shared.Add(i);
                }

                _endBytes = Math.Max(_endBytes, (i + 1) * ClusterSizeBytes);
                break;
            default:
                LearnL2Entry(v);
                break;
        }
    }

    private void LearnL2Entry(ulong v)
    {
        if ((v & Qcow2.L2Entry.CompressedFlag) != 0)
        {
            var offsetBits = 62 - (ClusterBits - 8);
            var at = (long)(v & ((1UL << offsetBits) - 1));
            var sectors = (long)((v >> offsetBits) & ((1UL << (ClusterBits - 8)) - 1));
            var end = (at & ~511L) + ((sectors + 1) * 512);
            for (var c = at >> ClusterBits; c <= (end - 1) >> ClusterBits; c++)
            {
                _compressed.Add(c);
            }

            _endBytes = Math.Max(_endBytes, end);
            return;
        }

        var host = (long)(v & Qcow2.L2Entry.OffsetMask);
        if (host != 0)
        {
            _referenced.Add(host >> ClusterBits);
            _endBytes = Math.Max(_endBytes, host + ClusterSizeBytes);
        }
    }
}
