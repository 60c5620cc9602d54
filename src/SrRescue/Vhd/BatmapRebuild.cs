using System.Buffers.Binary;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The batmap of the repaired file (vhd.md 3.4), rebuilt from what is authoritative: a block's bit
/// is set when the repaired BAT allocates it and its bitmap has every sector; the checksum is
/// recomputed. A missing batmap header of a tapdisk 1.2+ image is recreated when its sectors are
/// free. Returns the patches (header sector, map) or nothing when the image has no batmap.
/// </summary>
internal static class BatmapRebuild
{
    public const uint Version = BatmapHeader.CurrentVersion;

    public static List<(long At, byte[] Bytes)> Build(VhdInspection v, HeaderStage vhdHeader, BatmapStage batmap, IByteSource data, uint[] bat, long firstBlockBytes, List<RepairAction> actions)
    {
        var patches = new List<(long, byte[])>();
        var footer = v.Footers.Chosen!;
        var headerAt = batmap.HeaderAt;
        var mapSectors = (int)(MapBytes(vhdHeader.MaxTableEntries) / VhdImage.SectorSize);
        byte[] header;
        if (batmap.Header is { } h)
        {
            header = (byte[])h.Raw.Clone();
            var mapOk = h.BatmapOffset % VhdImage.SectorSize == 0 && h.BatmapOffset > 0 && h.BatmapSectors > 0
                && HeaderRules.Fits(h.BatmapOffset, (ulong)h.BatmapSectors * VhdImage.SectorSize, v.Input.LengthBytes - VhdFooter.Size)
                && (long)h.BatmapSectors * 4096 >= vhdHeader.MaxTableEntries && (long)h.BatmapSectors * VhdImage.SectorSize <= BatmapRules.MaxMapBytes;
            if (!mapOk)
            {
                if (headerAt + BatmapHeader.Size + ((long)mapSectors * VhdImage.SectorSize) > firstBlockBytes)
                {
                    return patches; // no room for a new map before the first block: leave it, the check of the output says so
                }

                Set64(header, BatmapHeader.Off.BatmapOffset, (ulong)(headerAt + BatmapHeader.Size), "batmap offset", headerAt, actions);
                Set32(header, BatmapHeader.Off.BatmapSectors, (uint)mapSectors, "batmap size", headerAt, actions);
            }

            if (h.Version > Version)
            {
                Set32(header, BatmapHeader.Off.Version, Version, "batmap version", headerAt, actions);
            }
        }
        else if (v.Footers.ExpectsBatmap && headerAt + BatmapHeader.Size + ((long)mapSectors * VhdImage.SectorSize) <= firstBlockBytes)
        {
            header = new byte[BatmapHeader.Size];
            BatmapHeader.Cookie.CopyTo(header);
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(BatmapHeader.Off.BatmapOffset), (ulong)(headerAt + BatmapHeader.Size));
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(BatmapHeader.Off.BatmapSectors), (uint)mapSectors);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(BatmapHeader.Off.Version), Version);
            actions.Add(new RepairAction(BatmapRules.What, headerAt, "batmap header", "missing", "recreated", "tapdisk 1.2+ images must have one; its sectors were free"));
        }
        else
        {
            return patches;
        }

        var offset = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(BatmapHeader.Off.BatmapOffset));
        var sectors = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(BatmapHeader.Off.BatmapSectors));
        var version = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(BatmapHeader.Off.Version));
        var map = new byte[sectors * VhdImage.SectorSize];
        var full = FullBlocks(vhdHeader, footer.CurrentSizeBytes, data, bat, map);
        var old = batmap.Map;
        if (old is not null)
        {
            var (set, cleared) = Differences(old, map);
            if (set + cleared > 0)
            {
                actions.Add(new RepairAction("VHD batmap", offset, "full-block bits", $"{Count(old)} set", $"{full} set",
                    $"rebuilt from the BAT and the bitmaps: {set} set, {cleared} cleared"));
            }
        }

        var before = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(BatmapHeader.Off.Checksum));
        var checksum = BatmapHeader.ComputeChecksum(map, footer.CurrentSizeBytes, version);
        if (checksum != before)
        {
            actions.Add(new RepairAction(BatmapRules.What, headerAt + BatmapHeader.Off.Checksum, "checksum", $"0x{before:x8}", $"0x{checksum:x8}", "recomputed"));
        }

        patches.Add((headerAt, BatmapHeader.WithChecksum(header, checksum)));
        patches.Add((offset, map));
        return patches;
    }

    /// <summary>The map blktap makes for a BAT: a bit per entry, whole sectors, at least one (vhd.md 3.4).</summary>
    public static long MapBytes(uint maxTableEntries) => VhdImage.SectorSize * Math.Max(1, ((long)maxTableEntries + 4095) / 4096);

    /// <summary>Sets the bit of every allocated block whose bitmap marks all its sectors present; returns how many.</summary>
    private static int FullBlocks(HeaderStage header, ulong currentSizeBytes, IByteSource data, uint[] bat, byte[] map)
    {
        var bitmap = new byte[header.BitmapSectors * VhdImage.SectorSize];
        var virtualBytes = (long)Math.Min(currentSizeBytes, long.MaxValue);
        var count = 0;
        for (var i = 0; i < bat.Length && (i >> 3) < map.Length; i++)
        {
            if (bat[i] == VhdImage.Unallocated)
            {
                continue;
            }

            var n = data.ReadFullyAt((long)bat[i] * VhdImage.SectorSize, bitmap);
            bitmap.AsSpan(n).Clear();
            var sectors = (int)Math.Clamp((virtualBytes - ((long)i * header.BlockSizeBytes)) / VhdImage.SectorSize, 0, header.SectorsPerBlock);
            if (sectors > 0 && BitmapDataCheck.CountSet(bitmap, sectors) == sectors)
            {
                map[i >> 3] |= (byte)(0x80 >> (i & 7));
                count++;
            }
        }

        return count;
    }

    private static (int Set, int Cleared) Differences(byte[] old, byte[] now)
    {
        int set = 0, cleared = 0;
        for (var i = 0; i < now.Length; i++)
        {
            var o = i < old.Length ? old[i] : (byte)0;
            set += System.Numerics.BitOperations.PopCount((uint)(now[i] & ~o & 0xFF));
            cleared += System.Numerics.BitOperations.PopCount((uint)(o & ~now[i] & 0xFF));
        }

        return (set, cleared);
    }

    private static int Count(byte[] map) => map.Sum(b => System.Numerics.BitOperations.PopCount(b));

    private static void Set32(byte[] header, int off, uint value, string field, long headerAt, List<RepairAction> actions)
    {
        var old = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(off));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(off), value);
        actions.Add(new RepairAction(BatmapRules.What, headerAt + off, field, old.ToString(), value.ToString(), "outside the file or too small for the BAT"));
    }

    private static void Set64(byte[] header, int off, ulong value, string field, long headerAt, List<RepairAction> actions)
    {
        var old = BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(off));
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(off), value);
        actions.Add(new RepairAction(BatmapRules.What, headerAt + off, field, old.ToString(), value.ToString(), "outside the file or too small for the BAT"));
    }
}
