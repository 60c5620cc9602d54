using System.Buffers.Binary;

namespace SrRescue.Vhd;

/// <summary>
/// Where everything goes in a dynamic VHD written the way blktap lays one out (vhd.md 3.5, 5.2):
/// footer copy at 0, header at 512, BAT at 1536 padded to a sector, batmap header and batmap right
/// after it, then blocks of 2 MiB, each a one-sector bitmap whose sector number is 7 mod 8 so the
/// data starts on a 4 KiB page, then the trailing footer at the end of data. Also the bytes of the
/// fixed structures: footer, header, batmap header.
/// </summary>
public sealed class DynamicVhdLayout
{
    public const int SectorBytes = 512;
    public const int BlockBytes = 2 << 20;
    public const long TableOffsetBytes = VhdFooter.Size + DynamicHeader.Size;

    /// <summary>blktap's creator application: with <see cref="TapVersion"/> it tells readers a batmap is there.</summary>
    public const string TapCreator = "tap\0";

    /// <summary>blktap's creator `tap\0` 1.3: a batmap is expected and must be valid (vhd.md 1.4, 3.4).</summary>
    public const uint TapVersion = 0x00010003;

    /// <summary>Gap sectors before a bitmap, at most: the bitmap sits at sector 7 mod 8.</summary>
    public const int MaxGapSectors = 7;

    public DynamicVhdLayout(long diskBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(diskBytes);
        VirtualSizeBytes = RoundUp(diskBytes, SectorBytes);
        BlockCount = (int)((VirtualSizeBytes + BlockBytes - 1) / BlockBytes);
        TableEntries = Math.Max(1, BlockCount);
        BatBytes = RoundUp(TableEntries * 4L, SectorBytes);
        BatmapHeaderOffsetBytes = TableOffsetBytes + BatBytes;
        BatmapOffsetBytes = BatmapHeaderOffsetBytes + BatmapHeader.Size;
        BatmapSectors = (int)Math.Max(1, (((TableEntries + 7L) / 8) + SectorBytes - 1) / SectorBytes);
        EndOfMetadataBytes = BatmapOffsetBytes + ((long)BatmapSectors * SectorBytes);
    }

    /// <summary>The disk size rounded up to a sector: the footer's current and original size.</summary>
    public long VirtualSizeBytes { get; }

    /// <summary>The 2 MiB blocks the disk spans: ceil(size / 2 MiB).</summary>
    public int BlockCount { get; }

    /// <summary>
    /// max_table_entries: the block count, but at least one, because libvhdi refuses a BAT of no
    /// entries (qemu writes one for an empty disk; vhdiinfo cannot open it). Every reader accepts
    /// more entries than the size needs (XenServer pre-allocates 2 TiB worth, vhd.md 3.5).
    /// </summary>
    public int TableEntries { get; }

    /// <summary>The BAT padded to a whole sector.</summary>
    public long BatBytes { get; }

    public long BatmapHeaderOffsetBytes { get; }

    public long BatmapOffsetBytes { get; }

    /// <summary>At least one sector, one bit per block (blktap: `size·4096 ≥ max_table_entries`).</summary>
    public int BatmapSectors { get; }

    public long EndOfMetadataBytes { get; }

    /// <summary>The first sector at or after <paramref name="endBytes"/> where a bitmap may go: (s + 1) % 8 == 0 (vhd.md 3.3).</summary>
    public static long BitmapSectorAtOrAfter(long endBytes)
    {
        var sector = (endBytes + SectorBytes - 1) / SectorBytes;
        return sector + ((7 - (sector % 8)) % 8);
    }

    public byte[] Footer(Guid uuid, uint timestamp, bool hidden) => VhdFooter.Encode(new VhdFooter
    {
        IsPoisoned = false,
        Features = 2,
        FormatVersion = 0x00010000,
        DataOffset = VhdFooter.Size,
        Timestamp = timestamp,
        CreatorApp = TapCreator,
        CreatorVersion = TapVersion,
        CreatorOs = 0,
        OriginalSizeBytes = (ulong)VirtualSizeBytes,
        CurrentSizeBytes = (ulong)VirtualSizeBytes,
        Geometry = VhdGeometry.ForSize((ulong)VirtualSizeBytes),
        DiskType = VhdDiskType.Dynamic,
        StoredChecksum = 0,
        ComputedChecksum = 0,
        Uuid = uuid,
        SavedState = 0,
        Hidden = hidden ? (byte)1 : (byte)0,
        Raw = [],
    });

    public byte[] Header()
    {
        var b = new byte[DynamicHeader.Size];
        DynamicHeader.Cookie.CopyTo(b);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(DynamicHeader.Off.DataOffset), ulong.MaxValue);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(DynamicHeader.Off.TableOffset), TableOffsetBytes);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(DynamicHeader.Off.HeaderVersion), 0x00010000);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(DynamicHeader.Off.MaxTableEntries), (uint)TableEntries);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(DynamicHeader.Off.BlockSize), BlockBytes);
        return DynamicHeader.WithChecksum(b);
    }

    /// <summary>
    /// The BAT (big-endian sector numbers; blktap pads the last sector with zeros, vhd.md 3.1), the
    /// batmap header and the batmap, contiguous from <see cref="TableOffsetBytes"/>.
    /// </summary>
    public void Metadata(ReadOnlySpan<uint> bat, ReadOnlySpan<byte> batmap, Span<byte> target)
    {
        target[..MetadataBytes].Clear();
        for (var i = 0; i < bat.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(target[(i * 4)..], bat[i]);
        }

        var header = target.Slice((int)BatBytes, BatmapHeader.Size);
        BatmapHeader.Cookie.CopyTo(header);
        BinaryPrimitives.WriteUInt64BigEndian(header[BatmapHeader.Off.BatmapOffset..], (ulong)BatmapOffsetBytes);
        BinaryPrimitives.WriteUInt32BigEndian(header[BatmapHeader.Off.BatmapSectors..], (uint)BatmapSectors);
        BinaryPrimitives.WriteUInt32BigEndian(header[BatmapHeader.Off.Version..], BatmapHeader.CurrentVersion);
        var checksum = BatmapHeader.ComputeChecksum(batmap, (ulong)VirtualSizeBytes, BatmapHeader.CurrentVersion);
        BinaryPrimitives.WriteUInt32BigEndian(header[BatmapHeader.Off.Checksum..], checksum);
        batmap.CopyTo(target[((int)BatBytes + BatmapHeader.Size)..]);
    }

    /// <summary>Bytes from the BAT to the end of the batmap (4.1 MiB for a 2 TiB disk).</summary>
    public int MetadataBytes => (int)(EndOfMetadataBytes - TableOffsetBytes);

    private static long RoundUp(long value, long unit) => (value + unit - 1) / unit * unit;
}
