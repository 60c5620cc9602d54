using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The virtual disk a QCOW2 image describes, read the way qemu reads it: each guest cluster (or
/// subcluster, with extended L2) from this image's host cluster, from an inflated compressed
/// cluster, as zeros, or from the backing disk below (zeros without one, and past the backing
/// disk's end). Damage met while reading reads as zeros and is reported to the image's log.
/// </summary>
internal sealed class Qcow2VirtualDisk : ISparseSource
{
    private readonly Qcow2Image _image;
    private readonly IByteSource? _backing;
    private readonly int _clusterBits;
    private readonly long _clusterSize;
    private readonly byte _compression;
    private readonly Lock _inflatedGate = new();
    private long _inflatedAt = -1;
    private byte[] _inflated = [];

    public Qcow2VirtualDisk(Qcow2Image image, IByteSource? backing)
    {
        ArgumentNullException.ThrowIfNull(image);
        _image = image;
        _backing = backing;
        _clusterBits = (int)image.Header.ClusterBits;
        _clusterSize = image.ClusterSizeBytes;
        _compression = (image.Header.IncompatibleFeatures & Qcow2Incompatible.CompressionType) != 0 ? image.Header.CompressionType : CompressedCluster.Deflate;
        Name = $"virtual disk of {image.Name}";
    }

    public string Name { get; }

    public long Length => _image.VirtualSizeBytes;

    public Qcow2Image Image => _image;

    public IByteSource? Backing => _backing;

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
            var pos = offset + done;
            var within = pos & (_clusterSize - 1);
            var n = (int)Math.Min(want - done, _clusterSize - within);
            var entry = _image.Lookup(pos >> _clusterBits);
            if (entry.Kind == Qcow2ClusterKind.Data && !entry.Extended)
            {
                // Clusters qemu allocated one after another in the file are read in one go.
                n = HostRun(pos, entry, want - done);
                ReadHost(entry.HostOffset + within, pos, buffer.Slice(done, n));
            }
            else
            {
                ReadCluster(pos, entry, within, buffer.Slice(done, n));
            }

            done += n;
        }

        return want;
    }

    public long NextDataOffset(long offset, long limit)
    {
        limit = Math.Min(limit, Length);
        var pos = Math.Max(0, offset);
        while (pos < limit)
        {
            var (entry, spanEnd) = _image.KindAt(pos, limit);
            switch (entry.Kind)
            {
                case Qcow2ClusterKind.Data or Qcow2ClusterKind.Compressed:
                    return pos;
                case Qcow2ClusterKind.Backing when _backing is not null:
                    var data = BackingNextData(pos, spanEnd);
                    if (data < spanEnd)
                    {
                        return data;
                    }

                    break;
            }

            pos = spanEnd;
        }

        return limit;
    }

    public long NextHoleOffset(long offset, long limit)
    {
        limit = Math.Min(limit, Length);
        var pos = Math.Max(0, offset);
        while (pos < limit)
        {
            var (entry, spanEnd) = _image.KindAt(pos, limit);
            switch (entry.Kind)
            {
                case Qcow2ClusterKind.Zero:
                case Qcow2ClusterKind.Backing when _backing is null:
                    return pos;
                case Qcow2ClusterKind.Backing:
                    var hole = BackingNextHole(pos, spanEnd);
                    if (hole < spanEnd)
                    {
                        return hole;
                    }

                    break;
            }

            pos = spanEnd;
        }

        return limit;
    }

    private long BackingNextData(long pos, long end)
    {
        if (pos >= _backing!.Length)
        {
            return end;
        }

        var stop = Math.Min(end, _backing.Length);
        var data = _backing is ISparseSource sparse ? sparse.NextDataOffset(pos, stop) : pos;
        return data >= stop ? end : data;
    }

    private long BackingNextHole(long pos, long end)
    {
        if (pos >= _backing!.Length)
        {
            return pos;
        }

        var stop = Math.Min(end, _backing.Length);
        var hole = _backing is ISparseSource sparse ? sparse.NextHoleOffset(pos, stop) : stop;
        return hole >= stop && stop < end ? stop : hole;
    }

    /// <summary>Bytes from <paramref name="pos"/> (up to <paramref name="most"/>) whose standard clusters follow each other in the file.</summary>
    private int HostRun(long pos, L2Entry first, int most)
    {
        var within = pos & (_clusterSize - 1);
        var run = _clusterSize - within;
        var cluster = pos >> _clusterBits;
        while (run < most)
        {
            var next = _image.Lookup(cluster + 1);
            if (next.Kind != Qcow2ClusterKind.Data || next.Extended || next.HostOffset != first.HostOffset + ((cluster + 1 - (pos >> _clusterBits)) * _clusterSize))
            {
                break;
            }

            cluster++;
            run += _clusterSize;
        }

        return (int)Math.Min(run, most);
    }

    private void ReadCluster(long pos, L2Entry entry, long within, Span<byte> target)
    {
        switch (entry.Kind)
        {
            case Qcow2ClusterKind.Zero:
                target.Clear();
                break;
            case Qcow2ClusterKind.Backing when !entry.Extended:
                ReadBacking(pos, target);
                break;
            case Qcow2ClusterKind.Compressed:
                ReadCompressed(pos, entry, within, target);
                break;
            default:
                if (entry.Extended)
                {
                    ReadSubclusters(pos, entry, within, target);
                }
                else
                {
                    ReadHost(entry.HostOffset + within, pos, target);
                }

                break;
        }
    }

    private void ReadSubclusters(long pos, L2Entry entry, long within, Span<byte> target)
    {
        var subSize = _clusterSize / L2Entry.Subclusters;
        var done = 0;
        while (done < target.Length)
        {
            var at = within + done;
            var sub = (int)(at / subSize);
            var n = (int)Math.Min(target.Length - done, ((sub + 1) * subSize) - at);
            var part = target.Slice(done, n);
            switch (entry.SubclusterKind(sub))
            {
                case Qcow2ClusterKind.Data when entry.HostOffset == 0:
                    _image.ReportReadProblem(Qcow2Codes.L2Entry, "QCOW2 L2 entry", -1,
                        $"the cluster at guest offset {pos - within} has allocated subclusters but no host cluster; they read as zeros");
                    part.Clear();
                    break;
                case Qcow2ClusterKind.Data:
                    ReadHost(entry.HostOffset + at, pos + done, part);
                    break;
                case Qcow2ClusterKind.Zero:
                    part.Clear();
                    break;
                default:
                    ReadBacking(pos + done, part);
                    break;
            }

            done += n;
        }
    }

    private void ReadHost(long hostAt, long guestAt, Span<byte> target)
    {
        var n = _image.Source.ReadFullyAt(hostAt, target);
        if (n < target.Length)
        {
            _image.ReportReadProblem(Qcow2Codes.DataBeyondEnd, "QCOW2 data cluster", hostAt,
                $"the host cluster of guest offset {guestAt} lies past the end of the file ({_image.Source.Length} bytes); the missing bytes read as zeros");
            target[n..].Clear();
        }
    }

    private void ReadBacking(long pos, Span<byte> target)
    {
        if (_backing is null)
        {
            target.Clear();
            return;
        }

        var n = _backing.ReadFullyAt(pos, target);
        target[n..].Clear();
    }

    private void ReadCompressed(long pos, L2Entry entry, long within, Span<byte> target)
    {
        lock (_inflatedGate)
        {
            var clusterAt = pos - within;
            if (_inflatedAt != clusterAt)
            {
                _inflated = _inflated.Length == _clusterSize ? _inflated : new byte[_clusterSize];
                _inflatedAt = Inflate(entry, clusterAt, _inflated) ? clusterAt : -1;
            }

            _inflated.AsSpan((int)within, target.Length).CopyTo(target);
        }
    }

    private bool Inflate(L2Entry entry, long guestAt, byte[] cluster)
    {
        var at = entry.CompressedOffset;
        var bytes = new byte[Math.Min(entry.CompressedBytes, (2 * _clusterSize) + 512)];
        var n = _image.Source.ReadFullyAt(at, bytes);
        if (CompressedCluster.TryInflate(bytes.AsSpan(0, n), cluster, _compression, out var problem))
        {
            return true;
        }

        _image.ReportReadProblem(Qcow2Codes.CompressedUnreadable, "QCOW2 compressed cluster", at,
            $"the compressed cluster of guest offset {guestAt} cannot be read: {problem}; it reads as zeros");
        cluster.AsSpan().Clear();
        return false;
    }
}
