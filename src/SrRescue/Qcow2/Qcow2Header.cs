using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using SrRescue.Diagnostics;

namespace SrRescue.Qcow2;

/// <summary>
/// The QCOW2 image header at offset 0 (qemu docs/interop/qcow2.txt, "Header"): 72 bytes in
/// version 2; version 3 adds the feature bits, the refcount width and the header length (104, or
/// 112 with the compression type byte). All fields big-endian. Header extensions follow at
/// <see cref="HeaderLengthBytes"/> (<see cref="Qcow2Extension"/>).
/// </summary>
public sealed record Qcow2Header
{
    public const int Version2Size = 72;
    public const int Version3MinSize = 104;

    /// <summary>"QFI\xfb".</summary>
    public const uint Magic = 0x514649FB;

    /// <summary>512 bytes (cluster_bits 9) to 2 MiB (21): qemu's own bounds.</summary>
    public const int MinClusterBits = 9;
    public const int MaxClusterBits = 21;

    public static class Off
    {
        public const int Magic = 0;
        public const int Version = 4;
        public const int BackingFileOffset = 8;
        public const int BackingFileSize = 16;
        public const int ClusterBits = 20;
        public const int Size = 24;
        public const int CryptMethod = 32;
        public const int L1Size = 36;
        public const int L1TableOffset = 40;
        public const int RefcountTableOffset = 48;
        public const int RefcountTableClusters = 56;
        public const int SnapshotCount = 60;
        public const int SnapshotsOffset = 64;
        public const int IncompatibleFeatures = 72;
        public const int CompatibleFeatures = 80;
        public const int AutoclearFeatures = 88;
        public const int RefcountOrder = 96;
        public const int HeaderLength = 100;
        public const int CompressionType = 104;
    }

    public required uint Version { get; init; }

    public required ulong BackingFileOffset { get; init; }

    public required uint BackingFileSizeBytes { get; init; }

    public required uint ClusterBits { get; init; }

    /// <summary>The guest disk's size in bytes.</summary>
    public required ulong VirtualSizeBytes { get; init; }

    /// <summary>0 none, 1 AES (legacy), 2 LUKS.</summary>
    public required uint CryptMethod { get; init; }

    public required uint L1Entries { get; init; }

    public required ulong L1TableOffset { get; init; }

    public required ulong RefcountTableOffset { get; init; }

    public required uint RefcountTableClusters { get; init; }

    public required uint SnapshotCount { get; init; }

    public required ulong SnapshotsOffset { get; init; }

    public required Qcow2Incompatible IncompatibleFeatures { get; init; }

    public required ulong CompatibleFeatures { get; init; }

    public required ulong AutoclearFeatures { get; init; }

    /// <summary>log2 of the refcount width in bits (4 = 16-bit refcounts, version 2's fixed width).</summary>
    public required uint RefcountOrder { get; init; }

    /// <summary>Where the header extensions start: 72 for version 2.</summary>
    public required uint HeaderLengthBytes { get; init; }

    /// <summary>0 deflate, 1 zstd; only meaningful with <see cref="Qcow2Incompatible.CompressionType"/>.</summary>
    public required byte CompressionType { get; init; }

    /// <summary>Cluster size in bytes, or 0 when cluster_bits is outside 9..21.</summary>
    public long ClusterSizeBytes => ClusterBits is >= MinClusterBits and <= MaxClusterBits ? 1L << (int)ClusterBits : 0;

    public bool HasExtendedL2 => (IncompatibleFeatures & Qcow2Incompatible.ExtendedL2) != 0;

    /// <summary>Bytes of one L2 entry: 8, or 16 with extended L2 (the entry and its subcluster bitmap).</summary>
    public int L2EntryBytes => HasExtendedL2 ? 16 : 8;

    /// <summary>Entries of one L2 table (one cluster).</summary>
    public long L2Entries => ClusterSizeBytes / L2EntryBytes;

    /// <summary>The L1 entries a disk of this size needs.</summary>
    public long L1EntriesNeeded
    {
        get
        {
            var perL1 = ClusterSizeBytes * L2Entries;
            return perL1 == 0 ? 0 : (long)((VirtualSizeBytes + (ulong)perL1 - 1) / (ulong)perL1);
        }
    }

    public static bool TryRead(ReadOnlySpan<byte> bytes, long at, FindingLog log, string? source, [NotNullWhen(true)] out Qcow2Header? value)
    {
        ArgumentNullException.ThrowIfNull(log);
        value = null;
        const string what = "QCOW2 header";
        if (bytes.Length < Version2Size)
        {
            log.Add(Severity.Error, Qcow2Codes.HeaderTruncated, what, at, $"only {bytes.Length} of {Version2Size} header bytes are in the file", source: source);
            return false;
        }

        var magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (magic != Magic)
        {
            log.Add(Severity.Error, Qcow2Codes.HeaderMagic, what, at, "no 'QFI\\xfb' magic", $"0x{magic:x8}", $"0x{Magic:x8}", source);
            return false;
        }

        var version = U32(bytes, Off.Version);
        var v3 = version >= 3;
        if (v3 && bytes.Length < Version3MinSize)
        {
            log.Add(Severity.Error, Qcow2Codes.HeaderTruncated, what, at, $"only {bytes.Length} of {Version3MinSize} version 3 header bytes are in the file", source: source);
            return false;
        }

        var headerLength = v3 ? U32(bytes, Off.HeaderLength) : Version2Size;
        value = new Qcow2Header
        {
            Version = version,
            BackingFileOffset = U64(bytes, Off.BackingFileOffset),
            BackingFileSizeBytes = U32(bytes, Off.BackingFileSize),
            ClusterBits = U32(bytes, Off.ClusterBits),
            VirtualSizeBytes = U64(bytes, Off.Size),
            CryptMethod = U32(bytes, Off.CryptMethod),
            L1Entries = U32(bytes, Off.L1Size),
            L1TableOffset = U64(bytes, Off.L1TableOffset),
            RefcountTableOffset = U64(bytes, Off.RefcountTableOffset),
            RefcountTableClusters = U32(bytes, Off.RefcountTableClusters),
            SnapshotCount = U32(bytes, Off.SnapshotCount),
            SnapshotsOffset = U64(bytes, Off.SnapshotsOffset),
            IncompatibleFeatures = v3 ? (Qcow2Incompatible)U64(bytes, Off.IncompatibleFeatures) : 0,
            CompatibleFeatures = v3 ? U64(bytes, Off.CompatibleFeatures) : 0,
            AutoclearFeatures = v3 ? U64(bytes, Off.AutoclearFeatures) : 0,
            RefcountOrder = v3 ? U32(bytes, Off.RefcountOrder) : 4,
            HeaderLengthBytes = headerLength,
            CompressionType = v3 && headerLength > Off.CompressionType && bytes.Length > Off.CompressionType ? bytes[Off.CompressionType] : (byte)0,
        };
        return true;
    }

    private static uint U32(ReadOnlySpan<byte> b, int off) => BinaryPrimitives.ReadUInt32BigEndian(b[off..]);

    private static ulong U64(ReadOnlySpan<byte> b, int off) => BinaryPrimitives.ReadUInt64BigEndian(b[off..]);
}
