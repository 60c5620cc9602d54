namespace SrRescue.Io;

/// <summary>
/// A volume made of pieces of other sources: an LV from its segments, a carved LV from its
/// extent map, the extents of several PVs as one run. Each run of the volume lies on one source
/// at an offset, striped over several (dm-stripe: chunk c on area c mod n, row c div n, lvm2.md
/// 3.9), or nowhere; bytes that no run places, or that lie past the end of their source, read as
/// zeros (whoever builds the map names those ranges). Holes of the sources are passed on.
/// </summary>
internal sealed class MappedVolume : ISparseSource
{
    private readonly Run[] _runs;

    /// <param name="runs">Sorted by start, not overlapping; gaps between them read as zeros.</param>
    public MappedVolume(string name, long length, IReadOnlyList<Run> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Name = name;
        Length = length;
        _runs = [.. runs];
        for (var i = 0; i < _runs.Length; i++)
        {
            var r = _runs[i];
            if (r.Start < 0 || r.Length < 0 || (i > 0 && r.Start < _runs[i - 1].Start + _runs[i - 1].Length)
                || (r.Areas.Count > 1 && r.StripeBytes <= 0))
            {
                throw new ArgumentException($"run {i} ({r.Start}, {r.Length} bytes) overlaps the one before it or has no stripe size", nameof(runs));
            }
        }
    }

    /// <summary>Where one piece of the volume lies: a source and the byte offset of the piece's first byte on it.</summary>
    public sealed record Area(IByteSource Source, long Offset);

    /// <summary>Bytes <see cref="Start"/> to <see cref="Start"/> + <see cref="Length"/> of the volume: on one area, striped over several, or on none (zeros).</summary>
    public sealed record Run(long Start, long Length, IReadOnlyList<Area> Areas, long StripeBytes = 0)
    {
        public long End => Start + Length;
    }

    public string Name { get; }

    public long Length { get; }

    public IReadOnlyList<Run> Runs => _runs;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Length - offset);
        for (var done = 0; done < want;)
        {
            var (run, runEnd) = RunAt(offset + done);
            var target = buffer.Slice(done, (int)Math.Min(want - done, runEnd - (offset + done)));
            if (run is null || run.Areas.Count == 0)
            {
                target.Clear();
            }
            else
            {
                var (area, at, n) = Place(run, offset + done - run.Start, target.Length);
                target = target[..n];
                var got = area.Source.ReadFullyAt(at, target);
                target[got..].Clear();
            }

            done += target.Length;
        }

        return want;
    }

    public long NextDataOffset(long offset, long limit)
    {
        for (var at = Math.Max(offset, 0); at < Math.Min(limit, Length);)
        {
            var (run, runEnd) = RunAt(at);
            var end = Math.Min(runEnd, limit);
            if (run is not null && run.Areas.Count > 0)
            {
                var (area, physical, n) = Place(run, at - run.Start, end - at);
                if (area.Source is not ISparseSource sparse)
                {
                    return at;
                }

                var next = sparse.NextDataOffset(physical, physical + n);
                if (next < physical + n)
                {
                    return at + (next - physical);
                }

                end = at + n;
            }

            at = end;
        }

        return limit;
    }

    public long NextHoleOffset(long offset, long limit)
    {
        for (var at = Math.Max(offset, 0); at < Math.Min(limit, Length);)
        {
            var (run, runEnd) = RunAt(at);
            if (run is null || run.Areas.Count == 0)
            {
                return at;
            }

            var (area, physical, n) = Place(run, at - run.Start, Math.Min(runEnd, limit) - at);
            var next = area.Source is ISparseSource sparse ? sparse.NextHoleOffset(physical, physical + n) : physical + n;
            if (next < physical + n)
            {
                return at + (next - physical);
            }

            at += n;
        }

        return Math.Min(Math.Max(offset, Length), limit);
    }

    /// <summary>The area, its byte offset and how many bytes of <paramref name="want"/> lie there contiguously, for byte <paramref name="inRun"/> of a run.</summary>
    private static (Area Area, long Offset, int Bytes) Place(Run run, long inRun, long want)
    {
        if (run.Areas.Count == 1)
        {
            return (run.Areas[0], run.Areas[0].Offset + inRun, (int)Math.Min(want, int.MaxValue));
        }

        var chunk = inRun / run.StripeBytes;
        var within = inRun % run.StripeBytes;
        var area = run.Areas[(int)(chunk % run.Areas.Count)];
        var row = chunk / run.Areas.Count;
        return (area, area.Offset + (row * run.StripeBytes) + within, (int)Math.Min(want, run.StripeBytes - within));
    }

    /// <summary>The run holding byte <paramref name="at"/> and where it ends, or null and where the gap holding it ends.</summary>
    private (Run? Run, long End) RunAt(long at)
    {
        int lo = 0, hi = _runs.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_runs[mid].Start <= at)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (found >= 0 && at < _runs[found].End)
        {
            return (_runs[found], Math.Min(_runs[found].End, Length));
        }

        return (null, found + 1 < _runs.Length ? Math.Min(_runs[found + 1].Start, Length) : Length);
    }
}
