using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// One QCOW2 file or LV, opened read-only: its header, header extensions, backing file name and L1
/// table, and the L2 tables read as they are needed. Every problem becomes a finding; only an image
/// without a usable header (no magic, a cluster size qemu cannot have) throws. Problems met while
/// reading (an L2 table past the end, a compressed cluster that does not inflate) are added to the
/// log given to <see cref="Open"/>, each code at most <see cref="CappedFindings.PerCode"/> times.
/// </summary>
public sealed class Qcow2Image
{
    /// <summary>qemu's QCOW_MAX_L1_SIZE: a 32 MiB L1 table.</summary>
    public const long MaxL1Entries = 32L * 1024 * 1024 / 8;

    /// <summary>qemu refuses backing file names of 1024 bytes and more.</summary>
    public const int MaxBackingNameBytes = 1023;

    private readonly ulong[] _l1;
    private readonly L2TableCache _l2Cache;
    private readonly CappedFindings _readProblems;

    private Qcow2Image(IByteSource source, Qcow2Header header, IReadOnlyList<Qcow2Extension> extensions, string? backingName, ulong[] l1, FindingLog log)
    {
        Source = source;
        Header = header;
        Extensions = extensions;
        BackingFileName = backingName;
        _l1 = l1;
        _readProblems = new CappedFindings(log, source.Name);
        _l2Cache = new L2TableCache(this, _readProblems);
    }

    public IByteSource Source { get; }

    public string Name => Source.Name;

    public Qcow2Header Header { get; }

    public IReadOnlyList<Qcow2Extension> Extensions { get; }

    /// <summary>The backing file as the header names it (a path, absolute or relative to this file); null when none.</summary>
    public string? BackingFileName { get; }

    /// <summary>The backing file's format from its extension ("qcow2", "raw"); null when not given.</summary>
    public string? BackingFormat => Extensions.FirstOrDefault(e => e.Type == Qcow2Extension.BackingFormat) is { } e
        ? Encoding.UTF8.GetString(e.Data).TrimEnd('\0')
        : null;

    /// <summary>XCP-ng's hidden flag; null when the image has no such extension (made outside SM).</summary>
    public bool? IsHidden => Extensions.FirstOrDefault(e => e.Type == Qcow2Extension.XcpHidden) is { } e
        ? e.Data.Length > 0 && e.Data[0] != 0
        : null;

    public long ClusterSizeBytes => Header.ClusterSizeBytes;

    public long VirtualSizeBytes => (long)Math.Min(Header.VirtualSizeBytes, (ulong)long.MaxValue);

    public IReadOnlyList<ulong> L1 => _l1;

    public bool HasBacking => BackingFileName is not null;

    /// <summary>Opens the image at the start of <paramref name="source"/>; throws <see cref="CorruptDataException"/> when no QCOW2 header is there.</summary>
    public static Qcow2Image Open(IByteSource source, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(log);
        var head = new byte[Math.Min(source.Length, 1L << Qcow2Header.MaxClusterBits)];
        head = head[..source.ReadFullyAt(0, head)];
        var scratch = new FindingLog();
        if (!Qcow2Header.TryRead(head, 0, scratch, source.Name, out var header))
        {
            var f = scratch.Snapshot()[0];
            log.Add(f);
            throw new CorruptDataException(f);
        }

        if (header.ClusterSizeBytes == 0)
        {
            throw new CorruptDataException(log.Add(Severity.Error, Qcow2Codes.ClusterBits, "QCOW2 header", Qcow2Header.Off.ClusterBits,
                "cluster_bits is outside 9..21 (512 bytes to 2 MiB); no table of this image can be found",
                header.ClusterBits.ToString(CultureInfo.InvariantCulture), "9..21", source.Name));
        }

        var headerCluster = head.AsSpan(0, (int)Math.Min(head.Length, header.ClusterSizeBytes));
        Qcow2HeaderRules.Check(header, source, log);
        var extStart = Math.Min(header.HeaderLengthBytes, (uint)headerCluster.Length);
        var extensions = Qcow2Extension.ReadAll(headerCluster, extStart, log, source.Name);
        var backing = ReadBackingName(header, headerCluster, log, source.Name);
        var l1 = ReadL1(header, source, log);
        return new Qcow2Image(source, header, extensions, backing, l1, log);
    }

    /// <summary>Whether the source starts with a QCOW2 magic.</summary>
    public static bool HasMagic(IByteSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> magic = stackalloc byte[4];
        return source.ReadFullyAt(0, magic) == 4 && BinaryPrimitives.ReadUInt32BigEndian(magic) == Qcow2Header.Magic;
    }

    /// <summary>Says what is stored for guest cluster <paramref name="clusterIndex"/>.</summary>
    internal L2Entry Lookup(long clusterIndex)
    {
        var l2Entries = Header.L2Entries;
        var l1Index = clusterIndex / l2Entries;
        if (l1Index >= _l1.Length)
        {
            return default;
        }

        var l2Offset = (long)(_l1[l1Index] & L2Entry.OffsetMask);
        if (l2Offset == 0)
        {
            return default;
        }

        return _l2Cache.Get(l1Index, l2Offset).Entry(clusterIndex % l2Entries);
    }

    /// <summary>
    /// What guest bytes [<paramref name="pos"/>, end) read from, for as far as one answer holds
    /// (up to <paramref name="limit"/>): a whole L1 span without an L2 table, else one cluster.
    /// </summary>
    internal (L2Entry Entry, long End) KindAt(long pos, long limit)
    {
        var bits = (int)Header.ClusterBits;
        var cluster = pos >> bits;
        var l2Entries = Header.L2Entries;
        var l1Index = cluster / l2Entries;
        if (l1Index >= _l1.Length || (_l1[l1Index] & L2Entry.OffsetMask) == 0)
        {
            var spanEnd = (l1Index + 1) * l2Entries;
            return (default, spanEnd > limit >> bits ? limit : Math.Min(limit, spanEnd << bits));
        }

        return (Lookup(cluster), Math.Min(limit, (cluster + 1) << bits));
    }

    internal void ReportReadProblem(string code, string structure, long offset, string message) =>
        _readProblems.Add(Severity.Error, code, structure, offset, message);

    private static string? ReadBackingName(Qcow2Header header, ReadOnlySpan<byte> headerCluster, FindingLog log, string name)
    {
        if (header.BackingFileOffset == 0)
        {
            return null;
        }

        var end = header.BackingFileOffset + header.BackingFileSizeBytes;
        if (header.BackingFileSizeBytes > MaxBackingNameBytes || end > (ulong)headerCluster.Length)
        {
            log.Add(Severity.Error, Qcow2Codes.BackingName, "QCOW2 backing file name", Qcow2Header.Off.BackingFileOffset,
                $"the backing file name ({header.BackingFileSizeBytes} bytes at {header.BackingFileOffset}) does not lie in the first cluster or is longer than {MaxBackingNameBytes} bytes; the backing file is unknown",
                source: name);
            return "";
        }

        return Encoding.UTF8.GetString(headerCluster.Slice((int)header.BackingFileOffset, (int)header.BackingFileSizeBytes));
    }

    private static ulong[] ReadL1(Qcow2Header header, IByteSource source, FindingLog log)
    {
        const string what = "QCOW2 L1 table";
        var at = (long)Math.Min(header.L1TableOffset, long.MaxValue);
        var entries = (long)header.L1Entries;
        if (entries > MaxL1Entries)
        {
            log.Add(Severity.Error, Qcow2Codes.L1Bounds, what, Qcow2Header.Off.L1Size, $"l1_size is over qemu's limit of {MaxL1Entries} entries; only that many are read",
                entries.ToString(CultureInfo.InvariantCulture), $"at most {MaxL1Entries}", source.Name);
            entries = MaxL1Entries;
        }

        if (entries < header.L1EntriesNeeded)
        {
            log.Add(Severity.Error, Qcow2Codes.L1TooSmall, what, Qcow2Header.Off.L1Size,
                "the L1 table has fewer entries than the virtual size needs; the disk past them reads from the backing file or as zeros",
                entries.ToString(CultureInfo.InvariantCulture), header.L1EntriesNeeded.ToString(CultureInfo.InvariantCulture), source.Name);
        }

        if (entries > 0 && at % 8 != 0)
        {
            log.Add(Severity.Error, Qcow2Codes.L1Bounds, what, Qcow2Header.Off.L1TableOffset, "the L1 table offset is not a multiple of 8",
                at.ToString(CultureInfo.InvariantCulture), null, source.Name);
        }

        var available = at >= source.Length ? 0 : (source.Length - at) / 8;
        if (available < entries)
        {
            log.Add(Severity.Error, Qcow2Codes.L1Bounds, what, at,
                $"the L1 table runs past the end of the file ({entries} entries at {at}, the file has {source.Length} bytes); the entries past the end read as unallocated",
                source: source.Name);
        }

        var l1 = new ulong[Math.Max(0, Math.Min(entries, available))];
        var bytes = new byte[l1.Length * 8L];
        var n = source.ReadFullyAt(at, bytes);
        for (var i = 0; i < n / 8; i++)
        {
            l1[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
        }

        return l1;
    }
}
