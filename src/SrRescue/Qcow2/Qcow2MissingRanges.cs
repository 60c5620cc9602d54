using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The parts of a chain's virtual disk that no member holds and that would have come from the
/// missing backing file: read as zeros, they are not recovered data. A guest range reaches the
/// missing file when every member, leaf down, leaves it to its backing file (subcluster by
/// subcluster with extended L2); past a member's virtual size the disk reads as zeros by right.
/// Reads only L1 and L2 tables.
/// </summary>
public sealed record Qcow2MissingRanges(IReadOnlyList<ByteRange> Ranges, long TotalBytes, bool Truncated)
{
    /// <summary>Ranges listed at most; the total still counts every byte.</summary>
    public const int DefaultMaxRanges = 10_000;

    public static Qcow2MissingRanges None { get; } = new([], 0, false);

    public static Qcow2MissingRanges Find(Qcow2Chain chain, int maxRanges = DefaultMaxRanges)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.IsComplete)
        {
            return None;
        }

        var found = new Collector(maxRanges);
        Walk(chain.Members, 0, 0, chain.Disk.Length, found);
        return new Qcow2MissingRanges(found.Ranges, found.Total, found.Truncated);
    }

    private static void Walk(IReadOnlyList<Qcow2Image> members, int index, long start, long end, Collector found)
    {
        var image = members[index];
        end = Math.Min(end, image.VirtualSizeBytes);
        var pos = start;
        while (pos < end)
        {
            var (entry, spanEnd) = image.KindAt(pos, end);
            if (entry.Kind == Qcow2ClusterKind.Backing)
            {
                if (entry.Extended)
                {
                    WalkSubclusters(members, index, entry, pos, spanEnd, found);
                }
                else
                {
                    Below(members, index, pos, spanEnd, found);
                }
            }

            pos = spanEnd;
        }
    }

    private static void WalkSubclusters(IReadOnlyList<Qcow2Image> members, int index, L2Entry entry, long pos, long end, Collector found)
    {
        var image = members[index];
        var subSize = image.ClusterSizeBytes / L2Entry.Subclusters;
        var clusterAt = pos - (pos % image.ClusterSizeBytes);
        for (var at = pos; at < end;)
        {
            var sub = (int)((at - clusterAt) / subSize);
            var next = Math.Min(end, clusterAt + ((sub + 1) * subSize));
            if (entry.SubclusterKind(sub) == Qcow2ClusterKind.Backing)
            {
                Below(members, index, at, next, found);
            }

            at = next;
        }
    }

    private static void Below(IReadOnlyList<Qcow2Image> members, int index, long start, long end, Collector found)
    {
        if (index == members.Count - 1)
        {
            found.Add(start, end);
        }
        else
        {
            Walk(members, index + 1, start, end, found);
        }
    }

    private sealed class Collector(int maxRanges)
    {
        public List<ByteRange> Ranges { get; } = [];

        public long Total { get; private set; }

        public bool Truncated { get; private set; }

        public void Add(long start, long end)
        {
            Total += end - start;
            if (Ranges.Count > 0 && Ranges[^1].EndBytes == start)
            {
                Ranges[^1] = Ranges[^1] with { LengthBytes = end - Ranges[^1].OffsetBytes };
            }
            else if (Ranges.Count < maxRanges)
            {
                Ranges.Add(new ByteRange(start, end - start));
            }
            else
            {
                Truncated = true;
            }
        }
    }
}
