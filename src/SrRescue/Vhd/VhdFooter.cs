using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The 512-byte hard disk footer (vhd.md 1.1): at the end of every VHD, and a copy at offset 0
/// of dynamic and differencing ones. Big-endian. Byte 85 is blktap's hidden flag.
/// </summary>
public sealed record VhdFooter
{
    public const int Size = 512;
    public const ulong NoDataOffset = ulong.MaxValue;

    public static ReadOnlySpan<byte> Cookie => "conectix"u8;

    /// <summary>blktap marks a VHD it is resizing with this cookie (vhd.md 1.1).</summary>
    public static ReadOnlySpan<byte> PoisonCookie => "v_poison"u8;

    public static class Off
    {
        public const int Cookie = 0;
        public const int Features = 8;
        public const int FormatVersion = 12;
        public const int DataOffset = 16;
        public const int Timestamp = 24;
        public const int CreatorApp = 28;
        public const int CreatorVersion = 32;
        public const int CreatorOs = 36;
        public const int OriginalSize = 40;
        public const int CurrentSize = 48;
        public const int Geometry = 56;
        public const int DiskType = 60;
        public const int Checksum = 64;
        public const int Uuid = 68;
        public const int SavedState = 84;
        public const int Hidden = 85;
        public const int Reserved = 86;
    }

    public required bool IsPoisoned { get; init; }

    public required uint Features { get; init; }

    public required uint FormatVersion { get; init; }

    public required ulong DataOffset { get; init; }

    /// <summary>Seconds since 2000-01-01 UTC.</summary>
    public required uint Timestamp { get; init; }

    public required string CreatorApp { get; init; }

    public required uint CreatorVersion { get; init; }

    public required uint CreatorOs { get; init; }

    public required ulong OriginalSizeBytes { get; init; }

    public required ulong CurrentSizeBytes { get; init; }

    /// <summary>Cylinders &lt;&lt; 16 | heads &lt;&lt; 8 | sectors per track.</summary>
    public required uint Geometry { get; init; }

    public required VhdDiskType DiskType { get; init; }

    public required uint StoredChecksum { get; init; }

    public required uint ComputedChecksum { get; init; }

    public required Guid Uuid { get; init; }

    public required byte SavedState { get; init; }

    public required byte Hidden { get; init; }

    /// <summary>The bytes as read (512; a 511-byte legacy footer padded with one zero).</summary>
    public required byte[] Raw { get; init; }

    public bool ChecksumMatches => StoredChecksum == ComputedChecksum;

    /// <summary>
    /// Early tapdisk set the hidden byte without updating the checksum; blktap accepts the footer
    /// when the checksum matches with hidden taken as 0 (vhd.md 1.2).
    /// </summary>
    public bool ChecksumMatchesWithoutHidden => Hidden != 0 && StoredChecksum == ComputedChecksum + Hidden;

    public bool IsDynamicOrDifferencing => DiskType is VhdDiskType.Dynamic or VhdDiskType.Differencing;

    public bool IsHidden => Hidden != 0;

    public DateTime CreatedUtc => VhdTime.ToDateTime(Timestamp);

    /// <summary>True when the sector starts with the footer cookie (or blktap's poison cookie).</summary>
    public static bool HasCookie(ReadOnlySpan<byte> sector) =>
        sector.Length >= 8 && (sector[..8].SequenceEqual(Cookie) || sector[..8].SequenceEqual(PoisonCookie));

    /// <summary>The uuid of the footer a sector holds, told by its cookie alone (nothing else checked); null without the cookie.</summary>
    public static Guid? UuidByCookie(ReadOnlySpan<byte> sector) =>
        HasCookie(sector) && sector.Length >= Off.Uuid + 16 ? new Guid(sector.Slice(Off.Uuid, 16), bigEndian: true) : null;

    /// <summary>
    /// Parses a footer at absolute offset <paramref name="at"/> in <paramref name="source"/>.
    /// Returns null (with a finding) when the bytes are no footer at all: no cookie, too short.
    /// A footer with a wrong checksum is returned, with a finding, for the caller to weigh.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, long at, FindingLog log, string what, string? source, [NotNullWhen(true)] out VhdFooter? value)
    {
        value = Parse(bytes, at, what, log, source);
        return value is not null;
    }

    private static VhdFooter? Parse(ReadOnlySpan<byte> bytes, long at, string what, FindingLog log, string? source)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (bytes.Length < Size - 1)
        {
            log.Add(Severity.Error, "vhd.footer.truncated", what, at, $"only {bytes.Length} bytes where a footer should be", source: source);
            return null;
        }

        var raw = new byte[Size];
        bytes[..Math.Min(Size, bytes.Length)].CopyTo(raw);
        if (!HasCookie(raw))
        {
            var all = raw.AsSpan().IndexOfAnyExcept((byte)0xC7) < 0;
            log.Add(Severity.Error, all ? VhdCodes.FooterKilled : VhdCodes.FooterCookie, what, at + Off.Cookie,
                all ? "footer overwritten with 0xC7: tapdisk had the image open (it rewrites the footer on a clean close)" : "no 'conectix' cookie", source: source);
            return null;
        }

        var f = new VhdFooter
        {
            IsPoisoned = raw.AsSpan(0, 8).SequenceEqual(PoisonCookie),
            Features = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.Features)),
            FormatVersion = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.FormatVersion)),
            DataOffset = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(Off.DataOffset)),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.Timestamp)),
            CreatorApp = System.Text.Encoding.Latin1.GetString(raw, Off.CreatorApp, 4),
            CreatorVersion = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.CreatorVersion)),
            CreatorOs = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.CreatorOs)),
            OriginalSizeBytes = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(Off.OriginalSize)),
            CurrentSizeBytes = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(Off.CurrentSize)),
            Geometry = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.Geometry)),
            DiskType = (VhdDiskType)BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.DiskType)),
            StoredChecksum = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(Off.Checksum)),
            ComputedChecksum = VhdChecksum.Compute(raw, Off.Checksum),
            Uuid = new Guid(raw.AsSpan(Off.Uuid, 16), bigEndian: true),
            SavedState = raw[Off.SavedState],
            Hidden = raw[Off.Hidden],
            Raw = raw,
        };

        if (f.IsPoisoned)
        {
            log.Add(Severity.Warning, "vhd.footer.poisoned", what, at, "cookie is v_poison: a journaled resize (vhd-util resize) was interrupted; look for a jvhd_ journal", source: source);
        }

        if (!f.ChecksumMatches && !f.ChecksumMatchesWithoutHidden)
        {
            log.Add(Severity.Error, "vhd.footer.checksum", what, at + Off.Checksum, "footer checksum mismatch", $"0x{f.StoredChecksum:x8}", $"0x{f.ComputedChecksum:x8}", source);
        }

        return f;
    }

    /// <summary>
    /// The uuid of the VHD in <paramref name="source"/>, from the first footer with a valid
    /// checksum: the copy at offset 0 first when <paramref name="copyAtStartFirst"/> (an LV, whose
    /// last sector may be 0xC7 or stale), else the last sector first. Null when neither is a footer.
    /// </summary>
    public static Guid? ReadUuid(Io.IByteSource source, bool copyAtStartFirst)
    {
        ArgumentNullException.ThrowIfNull(source);
        var quiet = new FindingLog();
        var last = source.Length - Size;
        foreach (var at in copyAtStartFirst ? new[] { 0, last } : [last, 0])
        {
            if (at >= 0 && TryRead(Io.ByteSourceExtensions.ReadBytes(source, at, Size), at, quiet, "footer", source.Name, out var f) && f.ChecksumMatches)
            {
                return f.Uuid;
            }
        }

        return null;
    }

    /// <summary>
    /// The uuid of a footer copy that verifies, else of one that has the cookie but fails its
    /// checksum (<paramref name="checksumMatches"/> false): a parent is matched by uuid with the
    /// same leniency a child is read with, since 128 bits that equal the child's parent uuid are
    /// better evidence than a checksum.
    /// </summary>
    public static Guid? ReadUuidLeniently(Io.IByteSource source, out bool checksumMatches)
    {
        ArgumentNullException.ThrowIfNull(source);
        checksumMatches = true;
        if (ReadUuid(source, copyAtStartFirst: false) is { } sure)
        {
            return sure;
        }

        checksumMatches = false;
        var quiet = new FindingLog();
        foreach (var at in new[] { source.Length - Size, 0 })
        {
            if (at >= 0 && TryRead(Io.ByteSourceExtensions.ReadBytes(source, at, Size), at, quiet, "footer", source.Name, out var f))
            {
                return f.Uuid;
            }
        }

        return null;
    }

    /// <summary>The bytes of this footer with new values, checksum recomputed (for repair and writers).</summary>
    public static byte[] Encode(VhdFooter f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var b = new byte[Size];
        Cookie.CopyTo(b);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.Features), f.Features);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.FormatVersion), f.FormatVersion);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(Off.DataOffset), f.DataOffset);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.Timestamp), f.Timestamp);
        System.Text.Encoding.Latin1.GetBytes(f.CreatorApp.PadRight(4, '\0')[..4]).CopyTo(b, Off.CreatorApp);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.CreatorVersion), f.CreatorVersion);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.CreatorOs), f.CreatorOs);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(Off.OriginalSize), f.OriginalSizeBytes);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(Off.CurrentSize), f.CurrentSizeBytes);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.Geometry), f.Geometry);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.DiskType), (uint)f.DiskType);
        f.Uuid.TryWriteBytes(b.AsSpan(Off.Uuid, 16), bigEndian: true, out _);
        b[Off.SavedState] = f.SavedState;
        b[Off.Hidden] = f.Hidden;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Off.Checksum), VhdChecksum.Compute(b, Off.Checksum));
        return b;
    }
}
