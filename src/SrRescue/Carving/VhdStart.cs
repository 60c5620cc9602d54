using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>
/// The first extent of a carved VHD: footer copy, dynamic header and the BAT entries the virtual
/// size needs (blktap reads no more, vhd.md 3.1). Offsets here are LV-relative bytes.
/// </summary>
public sealed record VhdStart(long Pe, long OffsetBytes, VhdFooter Footer, DynamicHeader Header, uint[] Bat, bool BatComplete)
{
    public Guid VhdUuid => Footer.Uuid;

    public bool IsDifferencing => Footer.DiskType == VhdDiskType.Differencing;

    public long BlockSizeBytes => Header.BlockSizeBytes;

    /// <summary>blktap writes a batmap for creator `tap` from version 1.2 on (vhd.md 3.4); qemu and others do not.</summary>
    public bool HasBatmap => Footer.CreatorApp == "tap\0" && Footer.CreatorVersion >= 0x00010002;

    /// <summary>Where the batmap header must be (vhd.md 3.4), LV-relative.</summary>
    public long BatmapHeaderOffsetBytes => (long)Header.TableOffset + (((long)Header.MaxTableEntries * 4 + 511) / 512 * 512);

    /// <summary>End of the VHD's metadata: the batmap (128 KiB for 2 TiB) and, for children, 3 locator sectors.</summary>
    public long EndOfMetadataBytes
    {
        get
        {
            var end = HasBatmap
                ? BatmapHeaderOffsetBytes + 512 + (((long)Header.MaxTableEntries + (8 * 512) - 1) / (8 * 512) * 512)
                : BatmapHeaderOffsetBytes;
            foreach (var l in Header.Locators)
            {
                if (l.HoldsPath && l.DataOffset < long.MaxValue / 2)
                {
                    end = Math.Max(end, (long)l.DataOffset + 512);
                }
            }

            return end;
        }
    }

    /// <summary>End of the last data block (bitmap + block), or of the metadata when no block is allocated.</summary>
    public long EndOfDataBytes
    {
        get
        {
            var end = EndOfMetadataBytes;
            foreach (var b in Bat)
            {
                if (b != VhdImage.Unallocated)
                {
                    end = Math.Max(end, ((long)b * 512) + 512 + BlockSizeBytes);
                }
            }

            return end;
        }
    }

    /// <summary>
    /// The sorted blocks, made on first use. A holder set at construction, so that the record's
    /// equality and hash (it keys dictionaries) never change when it fills.
    /// </summary>
    private readonly SortedBlocks _sorted = new();

    private sealed class SortedBlocks
    {
        public (int Block, long BitmapOffsetBytes)[]? Value { get; set; }
    }

    /// <summary>Blocks with their bitmap's LV offset, in bitmap order (sorted once).</summary>
    public IReadOnlyList<(int Block, long BitmapOffsetBytes)> BlocksByOffset() => Sorted();

    private (int Block, long BitmapOffsetBytes)[] Sorted() =>
        _sorted.Value ??= Bat.Select((b, i) => (Block: i, Sector: b)).Where(x => x.Sector != VhdImage.Unallocated)
            .Select(x => (x.Block, (long)x.Sector * 512)).OrderBy(x => x.Item2).ToArray();

    /// <summary>The blocks whose bitmap lies in [<paramref name="fromBytes"/>, <paramref name="toBytes"/>) of the LV, in order.</summary>
    public ReadOnlySpan<(int Block, long BitmapOffsetBytes)> BitmapsIn(long fromBytes, long toBytes)
    {
        var all = Sorted().AsSpan();
        int lo = FirstAtOrAfter(all, fromBytes), hi = FirstAtOrAfter(all, toBytes);
        return all[lo..Math.Max(lo, hi)];
    }

    private static int FirstAtOrAfter(ReadOnlySpan<(int Block, long BitmapOffsetBytes)> sorted, long offset)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid].BitmapOffsetBytes < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
