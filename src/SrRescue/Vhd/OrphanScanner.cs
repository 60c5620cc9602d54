using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Finds blocks that no BAT entry references (vhd.md 3.3, 6.4): it walks the allocation grid from
/// the end of the metadata, block after block as blktap allocates them, skips the blocks the BAT
/// knows, and takes a slot whose first sector reads as a bitmap (some bit set, no structure's
/// cookie) as a block. Past the last known block only an unbroken run of blocks can be this VHD's,
/// each bitmap looking like one, and the walk stops at the first slot that is not. Reads one sector
/// per slot through a large window.
/// </summary>
internal sealed class OrphanScanner
{
    public const int MaxOrphans = 1 << 20;

    private const int WindowBytes = 4 << 20;

    private readonly IByteSource _source;
    private readonly byte[] _window = new byte[WindowBytes];
    private long _windowAt = -1;
    private int _windowLength;

    private OrphanScanner(IByteSource source) => _source = source;

    /// <param name="SectorsSet">Bits set in its bitmap (sectors present).</param>
    /// <param name="FirstSet">The block's first sector is present.</param>
    /// <param name="LastSet">The block's last sector is present.</param>
    public readonly record struct Found(long BitmapSector, int SectorsSet, bool IsFull, bool FirstSet = false, bool LastSet = false);

    /// <param name="bat">The repaired BAT: the blocks already known.</param>
    public static List<Found> Scan(IByteSource source, uint[] bat, long endOfHeadersBytes, int bitmapSectors, int sectorsPerBlock, AllocationGrid grid)
    {
        var footprintSectors = bitmapSectors + (long)sectorsPerBlock;
        var scanner = new OrphanScanner(source);
        var known = bat.Where(e => e != VhdImage.Unallocated).Select(e => (long)e).Order().ToList();
        var firstSector = (endOfHeadersBytes + VhdImage.SectorSize - 1) / VhdImage.SectorSize;
        var dataEnd = known.Count > 0 ? known.Max() + footprintSectors : firstSector;
        var fileSectors = source.Length / VhdImage.SectorSize;
        var found = new List<Found>();
        var next = 0;
        var s = grid.AtOrAfter(firstSector);
        var bitmap = new byte[bitmapSectors * VhdImage.SectorSize];
        while (s + bitmapSectors <= fileSectors && found.Count < MaxOrphans)
        {
            while (next < known.Count && known[next] + footprintSectors <= s)
            {
                next++;
            }

            if (next < known.Count && s + footprintSectors > known[next])
            {
                // Inside a known block, or too close before one for a block to fit: go past it.
                s = grid.AtOrAfter(Math.Max(s + 1, known[next] + footprintSectors));
                continue;
            }

            scanner.Read(s * VhdImage.SectorSize, bitmap);
            var inside = s < dataEnd;
            if (LooksLikeBitmap(bitmap) && (inside || FewPartialBytes(bitmap)))
            {
                var set = BitmapDataCheck.CountSet(bitmap, sectorsPerBlock);
                var (first, last) = BitmapEdges(bitmap, sectorsPerBlock);
                found.Add(new Found(s, set, set == sectorsPerBlock, first, last));
                s = grid.AtOrAfter(s + footprintSectors);
                continue;
            }

            if (!inside)
            {
                break;
            }

            // Inside the allocated area a slot without a bitmap is a block that never got one
            // published (or free space): its data sectors must not be taken for bitmaps.
            s = grid.AtOrAfter(s + footprintSectors);
        }

        return found;
    }

    /// <summary>Whether a block's first and last sectors are present, by its bitmap (sector n is byte n >> 3, mask 0x80 >> (n & 7): vhd.md conventions).</summary>
    public static (bool First, bool Last) BitmapEdges(ReadOnlySpan<byte> bitmap, int sectorsPerBlock)
    {
        var last = sectorsPerBlock - 1;
        return (bitmap.Length > 0 && (bitmap[0] & 0x80) != 0,
            last >> 3 < bitmap.Length && (bitmap[last >> 3] & (0x80 >> (last & 7))) != 0);
    }

    /// <summary>
    /// Some bit set, not a sector tapdisk killed (0xC7), not a footer, header, batmap header or
    /// journal that happens to sit on the grid (stale footers end at 4 MiB boundaries, which are on it).
    /// </summary>
    public static bool LooksLikeBitmap(ReadOnlySpan<byte> sector)
    {
        if (!sector.ContainsAnyExcept((byte)0) || !sector.ContainsAnyExcept((byte)0xC7))
        {
            return false;
        }

        var head = sector[..8];
        return !(head.SequenceEqual(VhdFooter.Cookie) || head.SequenceEqual(VhdFooter.PoisonCookie) || head.SequenceEqual(DynamicHeader.Cookie)
            || head.SequenceEqual(BatmapHeader.Cookie) || head.SequenceEqual("vjournal"u8));
    }

    /// <summary>
    /// Past the allocated area stale data is common (an LV's unused extents): there a bitmap must
    /// also look like one. Filesystems write 4 KiB at a time, so bitmaps are runs of 0x00 and 0xFF
    /// with few bytes in between (vhd.md 6.4); random data has almost only such bytes.
    /// </summary>
    public static bool FewPartialBytes(ReadOnlySpan<byte> bitmap)
    {
        var partial = 0;
        foreach (var b in bitmap)
        {
            partial += b is 0x00 or 0xFF ? 0 : 1;
        }

        return partial * 8 <= bitmap.Length;
    }

    private void Read(long at, Span<byte> target)
    {
        if (_windowAt < 0 || at < _windowAt || at + target.Length > _windowAt + _windowLength)
        {
            _windowAt = at;
            _windowLength = _source.ReadFullyAt(at, _window);
        }

        var from = (int)(at - _windowAt);
        var n = Math.Max(0, Math.Min(target.Length, _windowLength - from));
        _window.AsSpan(from, n).CopyTo(target);
        target[n..].Clear();
    }
}
