namespace SrRescue.Carving;

/// <summary>
/// A set of host cluster numbers as bits in chunks of 64 Ki clusters: a QCOW2 image of 2 TiB with
/// 64 KiB clusters has 32 Mi of them, a hash set of which would take a gigabyte.
/// </summary>
internal sealed class ClusterSet
{
    private const int ChunkBits = 16;
    private const long ChunkMask = (1L << ChunkBits) - 1;
    private readonly Dictionary<long, ulong[]> _chunks = [];

    public long Count { get; private set; }

    /// <summary>The highest cluster in the set, -1 when empty.</summary>
    public long Max { get; private set; } = -1;

    /// <summary>Adds the cluster; false when it was there already.</summary>
    public bool Add(long cluster)
    {
        if (cluster < 0)
        {
            return false;
        }

        if (!_chunks.TryGetValue(cluster >> ChunkBits, out var bits))
        {
            bits = new ulong[(1 << ChunkBits) / 64];
            _chunks[cluster >> ChunkBits] = bits;
        }

        var i = (int)(cluster & ChunkMask);
        var mask = 1UL << (i & 63);
        if ((bits[i >> 6] & mask) != 0)
        {
            return false;
        }

        bits[i >> 6] |= mask;
        Count++;
        Max = Math.Max(Max, cluster);
        return true;
    }

    public bool Contains(long cluster)
    {
        if (cluster < 0 || !_chunks.TryGetValue(cluster >> ChunkBits, out var bits))
        {
            return false;
        }

        var i = (int)(cluster & ChunkMask);
        return (bits[i >> 6] & (1UL << (i & 63))) != 0;
    }

    /// <summary>Whether every cluster of the set satisfies <paramref name="predicate"/>.</summary>
    public bool All(Func<long, bool> predicate)
    {
        foreach (var (chunk, bits) in _chunks)
        {
            for (var w = 0; w < bits.Length; w++)
            {
                for (var word = bits[w]; word != 0; word &= word - 1)
                {
                    if (!predicate((chunk << ChunkBits) + (w * 64) + System.Numerics.BitOperations.TrailingZeroCount(word)))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>The clusters of the set in [<paramref name="from"/>, <paramref name="to"/>), ascending, at most <paramref name="max"/>.</summary>
    public List<long> InRange(long from, long to, int max)
    {
        var result = new List<long>();
        for (var c = Math.Max(0, from); c < to && result.Count < max; c++)
        {
            if (!_chunks.ContainsKey(c >> ChunkBits))
            {
                c = (((c >> ChunkBits) + 1) << ChunkBits) - 1;
                continue;
            }

            if (Contains(c))
            {
                result.Add(c);
            }
        }

        return result;
    }
}
