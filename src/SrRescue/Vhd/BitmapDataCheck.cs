using System.Buffers;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// vhd-util check -b (vhd.md 3.6): blktap zero-fills a block when it allocates it, so a sector
/// whose bitmap bit is clear must hold zeros; data there was written but never published (a crash
/// between the data and the bitmap write, vhd.md 3.3). Also: a block the batmap marks full must
/// have every bitmap bit set, or readers that trust the batmap read the wrong sectors. Reads only
/// the runs of clear bits, in large chunks.
/// </summary>
internal static class BitmapDataCheck
{
    private const int ChunkBytes = 2 << 20;

    public static void Run(InspectionInput input, VhdFooter footer, HeaderStage header, BatmapStage batmap, BatStage bat)
    {
        var log = input.Log;
        var bitmap = new byte[header.BitmapSectors * VhdImage.SectorSize];
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var virtualBytes = (long)Math.Min(footer.CurrentSizeBytes, long.MaxValue);
        var total = (long)bat.Entries.Length * header.BlockSizeBytes;
        try
        {
            for (var i = 0; i < bat.Entries.Length; i++)
            {
                input.Options.Progress?.Report(new WorkProgress("bitmaps", (long)i * header.BlockSizeBytes, total));
                if (!bat.IsAllocated(i) || (i < bat.Unusable.Length && bat.Unusable[i]))
                {
                    continue; // reported by the BAT rules
                }

                var bitmapAt = (long)bat.Entries[i] * VhdImage.SectorSize;
                var dataAt = bitmapAt + bitmap.Length;
                var n = input.Source.ReadFullyAt(bitmapAt, bitmap);
                bitmap.AsSpan(n).Clear();
                var sectors = (int)Math.Clamp((virtualBytes - ((long)i * header.BlockSizeBytes)) / VhdImage.SectorSize, 0, header.SectorsPerBlock);
                var set = CountSet(bitmap, sectors);
                if (batmap.Valid && batmap.SaysFull(i) && set < sectors)
                {
                    log.Add(Severity.Error, "vhd.batmap.not-full", "VHD batmap", (long)batmap.Header!.BatmapOffset + (i >> 3),
                        $"the batmap marks block {i} full but its bitmap has only {set} of {sectors} sectors", "full", $"{set} of {sectors} sectors");
                }

                CheckClearSectors(input, i, bitmap, sectors, dataAt, buffer);
            }

            input.Options.Progress?.Report(new WorkProgress("bitmaps", total, total));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static int CountSet(ReadOnlySpan<byte> bitmap, int sectors)
    {
        var set = 0;
        for (var s = 0; s < sectors; s++)
        {
            set += IsSet(bitmap, s) ? 1 : 0;
        }

        return set;
    }

    public static bool IsSet(ReadOnlySpan<byte> bitmap, int sector) =>
        sector >> 3 < bitmap.Length && (bitmap[sector >> 3] & (0x80 >> (sector & 7))) != 0;

    private static void CheckClearSectors(InspectionInput input, int block, byte[] bitmap, int sectors, long dataAt, byte[] buffer)
    {
        long firstDirty = -1;
        var dirty = 0;
        var s = 0;
        while (s < sectors)
        {
            if (IsSet(bitmap, s))
            {
                s++;
                continue;
            }

            var run = 1;
            while (s + run < sectors && !IsSet(bitmap, s + run) && (run + 1) * VhdImage.SectorSize <= buffer.Length)
            {
                run++;
            }

            var bytes = buffer.AsSpan(0, run * VhdImage.SectorSize);
            var n = input.Source.ReadFullyAt(dataAt + ((long)s * VhdImage.SectorSize), bytes);
            for (var k = 0; k * VhdImage.SectorSize < n; k++)
            {
                var sector = bytes.Slice(k * VhdImage.SectorSize, Math.Min(VhdImage.SectorSize, n - (k * VhdImage.SectorSize)));
                if (sector.ContainsAnyExcept((byte)0))
                {
                    firstDirty = firstDirty < 0 ? dataAt + ((long)(s + k) * VhdImage.SectorSize) : firstDirty;
                    dirty++;
                }
            }

            s += run;
        }

        if (dirty > 0)
        {
            input.Log.Add(Severity.Warning, "vhd.bitmap.unmapped-data", "VHD block bitmap", firstDirty,
                $"block {block}: {dirty} sectors hold data but their bitmap bits are clear (written, never published: readers ignore them)", dirty.ToString(), "0");
        }
    }
}
