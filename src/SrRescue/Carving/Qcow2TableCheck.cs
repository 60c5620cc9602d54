using System.Buffers.Binary;
using SrRescue.Qcow2;

namespace SrRescue.Carving;

/// <summary>What is known of one QCOW2 image while its tables are checked (nothing, for the generic look-up).</summary>
internal interface IQcow2Knowledge
{
    int ClusterBits { get; }

    bool ExtendedL2 { get; }

    int RefcountOrder { get; }

    /// <summary>No host offset of the image lies at or past this (the LV is no larger than the PV's extents).</summary>
    long BoundBytes { get; }

    /// <summary>Internal snapshots share clusters, so a cluster referenced twice is no contradiction.</summary>
    bool HasSnapshots { get; }

    /// <summary>Whether a refcount of 0 for a cluster in use is a contradiction (not when the dirty bit says they may be stale).</summary>
    bool RefcountsTrusted { get; }

    /// <summary>The refcount of a host cluster as far as the refcount blocks read say: 0, 1, 2 (for more), -1 unknown.</summary>
    int RefcountClass(long cluster);

    /// <summary>Whether the cluster holds one of the image's tables (header, refcount table or block, L1, an L2).</summary>
    bool IsTableCluster(long cluster);

    /// <summary>Whether an L2 table read before references the cluster.</summary>
    bool IsReferenced(long cluster);
}

/// <summary>
/// Checks one cluster read where an image expects a table (qcow2.md 4 and 5): every entry must be
/// well formed (reserved bits clear, host offsets on cluster boundaries inside the bound) and
/// agree with what the image is known to hold (a data cluster has a refcount, a copied one
/// exactly 1, no cluster is data twice or data and table at once; a refcount block counts every
/// cluster known to be in use). Entries that pass call
/// <c>accept</c>, so that reading the table and checking it are one pass.
/// </summary>
internal static class Qcow2TableCheck
{
    private const ulong Copied = L2Entry.CopiedFlag;
    private const ulong Compressed = L2Entry.CompressedFlag;

    /// <summary>Bits 1-8 and 56-61 of a standard L2 entry (bit 0 too with extended L2), 1-8 and 56-62 of an L1 entry.</summary>
    private const ulong L2Reserved = 0x3F00_0000_0000_01FE;
    private const ulong L1Reserved = 0x7F00_0000_0000_01FF;

    /// <summary>How far after an L2 table its clusters count as near it (<see cref="TableVerdict.Near"/>): an SR extent.</summary>
    private const long NearBytes = 4L << 20;

    /// <summary>A refcount above this is not a count (compressed clusters share a host cluster, so it is not 1).</summary>
    private const ulong MaxPlausibleRefcount = 4096;

    public static TableVerdict Check(Qcow2TableKind kind, ReadOnlySpan<byte> cluster, IQcow2Knowledge k, long hostOffset, long index, Action<long, ulong>? accept = null) =>
        kind switch
        {
            Qcow2TableKind.L2 => L2(cluster, k, hostOffset, accept),
            Qcow2TableKind.RefcountBlock => RefcountBlock(cluster, k, hostOffset, index, accept),
            Qcow2TableKind.L1 => OffsetTable(cluster, k, L1Reserved, accept),
            _ => OffsetTable(cluster, k, 0xFF00_0000_0000_01FF, accept),
        };

    private static TableVerdict L2(ReadOnlySpan<byte> cluster, IQcow2Knowledge k, long hostOffset, Action<long, ulong>? accept)
    {
        var step = k.ExtendedL2 ? 16 : 8;
        var c = 1L << k.ClusterBits;
        int valid = 0, invalid = 0, near = 0;
        string? problem = null;
        HashSet<long>? seen = null;
        for (var i = 0; i + step <= cluster.Length; i += step)
        {
            var v = BinaryPrimitives.ReadUInt64BigEndian(cluster[i..]);
            var bitmap = k.ExtendedL2 ? BinaryPrimitives.ReadUInt64BigEndian(cluster[(i + 8)..]) : 0;
            if (v == 0 && bitmap == 0)
            {
                continue;
            }

            var why = L2EntryProblem(v, bitmap, k, c, ref seen);
            if (why is null && (v & (Compressed | L2Entry.OffsetMask)) == 0)
            {
                // A zero cluster without a host cluster is well formed in any image at any place:
                // it proves nothing, for or against.
                continue;
            }

            if (why is null)
            {
                valid++;
                var host = (v & Compressed) != 0 ? (long)(v & ((1UL << (62 - (k.ClusterBits - 8))) - 1)) : (long)(v & L2Entry.OffsetMask);
                near += hostOffset >= 0 && host > hostOffset && host < hostOffset + NearBytes ? 1 : 0;
                accept?.Invoke(i / step, v);
            }
            else
            {
                invalid++;
                problem ??= $"entry {i / step} (0x{v:x16}) {why}";
            }
        }

        return new TableVerdict(valid, invalid, problem, near);
    }

    private static string? L2EntryProblem(ulong v, ulong bitmap, IQcow2Knowledge k, long c, ref HashSet<long>? seen)
    {
        if ((v & Compressed) != 0)
        {
            var offsetBits = 62 - (k.ClusterBits - 8);
            var at = (long)(v & ((1UL << offsetBits) - 1));
            var sectors = (long)((v >> offsetBits) & ((1UL << (k.ClusterBits - 8)) - 1));
            var end = (at & ~511L) + ((sectors + 1) * 512);
            return (v & Copied) != 0 || k.ExtendedL2 && bitmap != 0 ? "is compressed and flagged otherwise"
                : end > k.BoundBytes ? "points past the PV"
                : k.RefcountClass(at >> k.ClusterBits) == 0 ? "points at a free cluster"
                : null;
        }

        var reserved = k.ExtendedL2 ? L2Reserved | 1 : L2Reserved;
        var host = (long)(v & L2Entry.OffsetMask);
        if ((v & reserved) != 0)
        {
            return "has reserved bits set";
        }

        if (k.ExtendedL2 && ((uint)bitmap & (uint)(bitmap >> 32)) != 0)
        {
            return "has subclusters both allocated and zero";
        }

        if (host == 0)
        {
            return (v & Copied) != 0 || k.ExtendedL2 && (uint)bitmap != 0 ? "is flagged but has no host cluster" : null;
        }

        var cluster = host >> k.ClusterBits;
        var refcount = k.RefcountClass(cluster);
        return host % c != 0 ? "is not on a cluster boundary"
            : host + c > k.BoundBytes ? "points past the PV"
            : k.IsTableCluster(cluster) ? "points at one of the image's tables"
            : refcount == 0 ? "points at a free cluster"
            : refcount == 2 && (v & Copied) != 0 ? "is flagged copied but its cluster is shared"
            : !k.HasSnapshots && (k.IsReferenced(cluster) || !(seen ??= []).Add(cluster)) ? "points at a cluster another entry has"
            : null;
    }

    private static TableVerdict RefcountBlock(ReadOnlySpan<byte> cluster, IQcow2Knowledge k, long hostOffset, long index, Action<long, ulong>? accept)
    {
        var widthBits = 1 << k.RefcountOrder;
        var count = cluster.Length * 8L / widthBits;
        var first = index * count;
        var self = hostOffset >> k.ClusterBits;
        int valid = 0, invalid = 0;
        string? problem = null;
        for (long i = 0; i < count; i++)
        {
            var r = Refcount(cluster, i, widthBits);
            var c = first + i;
            var known = c == self || k.IsTableCluster(c) || k.IsReferenced(c);
            string? why = null;
            if (r > MaxPlausibleRefcount)
            {
                why = $"is {r}, not a count";
            }
            else if (r > 0 && index >= 0 && c >= k.BoundBytes >> k.ClusterBits)
            {
                why = "counts a cluster past the PV";
            }
            else if (r == 0 && known && k.RefcountsTrusted)
            {
                why = "is 0 for a cluster the image uses";
            }

            if (why is not null)
            {
                invalid++;
                problem ??= $"the refcount of cluster {c} {why}";
            }
            else if (r > 0)
            {
                valid++;
                accept?.Invoke(c, r);
            }
        }

        return new TableVerdict(valid, invalid, problem);
    }

    /// <summary>Refcount <paramref name="i"/> of a block: big-endian from 8 bits up, and for narrower ones the lowest bits of a byte first (qemu's get_refcount_ro0..2).</summary>
    private static ulong Refcount(ReadOnlySpan<byte> block, long i, int widthBits) => widthBits switch
    {
        64 => BinaryPrimitives.ReadUInt64BigEndian(block[(int)(i * 8)..]),
        32 => BinaryPrimitives.ReadUInt32BigEndian(block[(int)(i * 4)..]),
        16 => BinaryPrimitives.ReadUInt16BigEndian(block[(int)(i * 2)..]),
        8 => block[(int)i],
        _ => (ulong)((block[(int)(i * widthBits / 8)] >> (int)(i * widthBits % 8)) & ((1 << widthBits) - 1)),
    };

    /// <summary>An L1 or refcount table cluster: entries 0, or host offsets of clusters in use on cluster boundaries.</summary>
    private static TableVerdict OffsetTable(ReadOnlySpan<byte> cluster, IQcow2Knowledge k, ulong reserved, Action<long, ulong>? accept)
    {
        var c = 1L << k.ClusterBits;
        int valid = 0, invalid = 0;
        string? problem = null;
        for (var i = 0; i + 8 <= cluster.Length; i += 8)
        {
            var v = BinaryPrimitives.ReadUInt64BigEndian(cluster[i..]);
            if (v == 0)
            {
                continue;
            }

            var host = (long)(v & L2Entry.OffsetMask);
            var why = (v & reserved) != 0 ? "has reserved bits set"
                : host == 0 ? "is flagged but has no offset"
                : host % c != 0 ? "is not on a cluster boundary"
                : host + c > k.BoundBytes ? "points past the PV"
                : k.RefcountClass(host >> k.ClusterBits) == 0 ? "points at a free cluster"
                : null;
            if (why is null)
            {
                valid++;
                accept?.Invoke(i / 8, (ulong)host);
            }
            else
            {
                invalid++;
                problem ??= $"entry {i / 8} (0x{v:x16}) {why}";
            }
        }

        return new TableVerdict(valid, invalid, problem);
    }
}

/// <summary>An image's shape and nothing else: what any table of that shape must look like.</summary>
internal sealed record GenericQcow2Knowledge(int ClusterBits, bool ExtendedL2, int RefcountOrder, long BoundBytes) : IQcow2Knowledge
{
    public bool HasSnapshots => true;

    public bool RefcountsTrusted => false;

    public int RefcountClass(long cluster) => -1;

    public bool IsTableCluster(long cluster) => false;

    public bool IsReferenced(long cluster) => false;
}
