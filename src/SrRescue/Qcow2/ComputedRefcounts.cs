using System.Runtime.InteropServices;

namespace SrRescue.Qcow2;

/// <summary>
/// The refcount every host cluster should have, rebuilt from the references the checker finds
/// (what qemu-img check keeps as its in-memory refcount table), and what each cluster was found to
/// hold. One byte per cluster until a count passes 255, then two, then four: an image with fewer
/// than 255 snapshots never needs more. Counts stop at the image's refcount maximum, as qemu's do
/// (a reference past it is an overflow); a 64-bit image's counts stop at 2^32 - 1, which takes
/// 32 GiB of L2 entries naming one cluster to reach.
/// </summary>
internal sealed class ComputedRefcounts
{
    /// <summary>Host clusters counted at most: 8 TiB of file with 64 KiB clusters, 64 GiB with 512-byte ones; 128 MiB to 640 MiB of memory.</summary>
    public const long MaxHostClusters = 1L << 27;

    private readonly ClusterUse[] _uses;
    private byte[]? _bytes;
    private ushort[]? _shorts;
    private uint[]? _words;

    /// <param name="hostClusters">The clusters the file holds (its last one may be partial).</param>
    /// <param name="refcountMax">The largest refcount the image's refcount width can store.</param>
    public ComputedRefcounts(long hostClusters, ulong refcountMax)
    {
        Count = hostClusters;

        // qemu lets a reference reach into the cluster just past the end of the file (the last
        // cluster may be only partly written), so one more cluster than the file holds.
        Capacity = (int)Math.Min(hostClusters + 1, MaxHostClusters);
        _bytes = new byte[Capacity];
        _uses = new ClusterUse[Capacity];
        Max = Math.Min(refcountMax, uint.MaxValue);
    }

    /// <summary>The clusters the refcounts are compared for: the file's, plus one when a reference reaches just past its end.</summary>
    public long Count { get; private set; }

    /// <summary>The clusters counted; less than <see cref="Count"/> only for an image over <see cref="MaxHostClusters"/>.</summary>
    public int Capacity { get; }

    public ulong Max { get; }

    public bool IsPartial => Count > Capacity;

    public ulong Get(long cluster)
    {
        if (cluster < 0 || cluster >= Capacity)
        {
            return 0;
        }

        return _words is not null ? _words[cluster] : _shorts is not null ? _shorts[cluster] : _bytes![cluster];
    }

    /// <summary>The first cluster in [<paramref name="from"/>, <paramref name="end"/>) that anything was found in, or <paramref name="end"/> when none.</summary>
    public long NextUsed(long from, long end)
    {
        end = Math.Min(end, Capacity);
        if (from >= end)
        {
            return end;
        }

        var i = MemoryMarshal.Cast<ClusterUse, byte>(_uses.AsSpan((int)from, (int)(end - from))).IndexOfAnyExcept((byte)0);
        return i < 0 ? end : from + i;
    }

    public ClusterUse UsesOf(long cluster) => cluster >= 0 && cluster < Capacity ? _uses[cluster] : ClusterUse.None;

    /// <summary>Adds <paramref name="references"/> references to <paramref name="cluster"/>; returns how many did not fit under <see cref="Max"/>.</summary>
    public ulong Add(long cluster, ClusterUse use, ulong references)
    {
        if (cluster >= Count)
        {
            Count = cluster + 1;
        }

        if (cluster >= Capacity)
        {
            return 0;
        }

        _uses[cluster] |= use;
        var now = Get(cluster);
        var added = Math.Min(Max - now, references);
        Set(cluster, now + added);
        return references - added;
    }

    private void Set(long cluster, ulong value)
    {
        if (_words is null && value > ushort.MaxValue)
        {
            _words = new uint[Capacity];
            for (var i = 0; i < Capacity; i++)
            {
                _words[i] = _shorts is not null ? _shorts[i] : _bytes![i];
            }

            _shorts = null;
            _bytes = null;
        }
        else if (_words is null && _shorts is null && value > byte.MaxValue)
        {
            _shorts = new ushort[Capacity];
            for (var i = 0; i < Capacity; i++)
            {
                _shorts[i] = _bytes![i];
            }

            _bytes = null;
        }

        if (_words is not null)
        {
            _words[cluster] = (uint)value;
        }
        else if (_shorts is not null)
        {
            _shorts[cluster] = (ushort)value;
        }
        else
        {
            _bytes![cluster] = (byte)value;
        }
    }
}
