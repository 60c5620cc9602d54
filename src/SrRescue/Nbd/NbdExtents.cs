using SrRescue.Io;

namespace SrRescue.Nbd;

/// <summary>
/// A range of the served disk split into runs that certainly read as zeros (holes: unallocated
/// VHD blocks and QCOW2 clusters in every image of the chain, unmapped LV extents, holes of a
/// sparse image file) and runs that may hold data, from what the source knows without reading
/// (<see cref="ISparseSource"/>). A source that knows nothing is one data run.
/// </summary>
internal static class NbdExtents
{
    public readonly record struct Run(long Offset, long Length, bool IsHole)
    {
        public long End => Offset + Length;
    }

    /// <summary>At most <paramref name="maxRuns"/> runs from <paramref name="offset"/>, together covering at most up to <paramref name="end"/>.</summary>
    public static List<Run> Of(IByteSource disk, long offset, long end, int maxRuns)
    {
        var runs = new List<Run>();
        if (disk is not ISparseSource sparse)
        {
            runs.Add(new Run(offset, end - offset, false));
            return runs;
        }

        var pos = offset;
        while (pos < end && runs.Count < maxRuns)
        {
            // The answers are clamped: a wrong one from a damaged structure must not loop or overrun.
            var data = Math.Clamp(sparse.NextDataOffset(pos, end), pos, end);
            if (data > pos)
            {
                runs.Add(new Run(pos, data - pos, true));
                pos = data;
                continue;
            }

            var hole = sparse.NextHoleOffset(pos, end);
            hole = hole <= pos ? end : Math.Min(hole, end);
            if (runs.Count > 0 && !runs[^1].IsHole)
            {
                runs[^1] = runs[^1] with { Length = hole - runs[^1].Offset };
            }
            else
            {
                runs.Add(new Run(pos, hole - pos, false));
            }

            pos = hole;
        }

        return runs;
    }
}
