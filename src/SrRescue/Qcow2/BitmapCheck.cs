using System.Buffers.Binary;
using System.Globalization;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// The references of persistent dirty bitmaps (qcow2.txt, "Bitmaps extension" and "Bitmap
/// directory"; qemu's qcow2_check_bitmaps_refcounts): the directory, each bitmap's table and the
/// clusters the table names. qemu reads them only when autoclear bit 0 says the extension is
/// consistent. A directory qemu cannot load is a corruption, and qemu ends its check there; this
/// checker notes it and goes on without the bitmaps, whose clusters then show as leaks.
/// </summary>
internal static class BitmapCheck
{
    public const ulong AutoclearBitmaps = 1;
    public const uint MaxBitmaps = 65535;
    public const long MaxDirectoryBytes = 64L << 20;
    public const int EntryHeaderBytes = 24;
    public const uint MaxTableEntries = 0x800_0000;
    public const ulong MaxBitmapBytes = 0x2000_0000;
    public const int MaxNameBytes = 1023;
    public const ulong TableReservedMask = 0xFF00_0000_0000_01FE;
    public const ulong TableOffsetMask = 0x00FF_FFFF_FFFF_FE00;

    private const string What = "QCOW2 bitmap directory";

    private readonly record struct Bitmap(long EntryOffset, ulong TableOffset, uint TableEntries);

    public static void Count(CheckContext c)
    {
        var ext = c.Image.Extensions.FirstOrDefault(e => e.Type == Qcow2Extension.Bitmaps);
        if (ext is null)
        {
            return;
        }

        if ((c.Header.AutoclearFeatures & AutoclearBitmaps) == 0)
        {
            c.Findings.Add(Severity.Info, Qcow2Codes.CheckNote, "QCOW2 bitmaps extension", ext.Offset,
                "the bitmaps extension is there but autoclear bit 0 is clear (a program without bitmap support wrote the image): qemu ignores the bitmaps, so their clusters show as leaks");
            return;
        }

        var data = ext.Data;
        var count = data.Length >= 24 ? BinaryPrimitives.ReadUInt32BigEndian(data) : 0;
        var size = data.Length >= 24 ? BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(8)) : 0;
        var offset = data.Length >= 24 ? BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(16)) : 0;
        if (count == 0 || count > MaxBitmaps || size > MaxDirectoryBytes || (offset & (ulong)(c.ClusterSize - 1)) != 0 || offset > long.MaxValue / 2)
        {
            c.Findings.Add(Severity.Error, Qcow2Codes.BitmapDirectory, "QCOW2 bitmaps extension", ext.Offset,
                $"the bitmaps extension ({data.Length} bytes: {count} bitmaps, a directory of {size} bytes at {offset}) is out of qemu's bounds (1 to {MaxBitmaps} bitmaps, at most {MaxDirectoryBytes} bytes, cluster aligned); qemu does not open the image; the bitmaps are not counted");
            return;
        }

        var directoryAt = ext.Offset + 8 + 16;
        c.Reference(offset, (long)size, ClusterUse.OtherMetadata, What, directoryAt, "the bitmap directory");
        var bitmaps = ReadDirectory(c, (long)offset, (int)size, count);
        if (bitmaps is null)
        {
            return;
        }

        foreach (var b in bitmaps)
        {
            CountTable(c, b);
        }
    }

    private static List<Bitmap>? ReadDirectory(CheckContext c, long offset, int size, uint count)
    {
        // Only the part inside the file is read: an entry past its end reads as zeros, which no
        // bitmap can be (its table would have no entries), so the directory breaks there.
        var dir = new byte[Math.Clamp(c.FileLength - offset, 0, size)];
        c.Source.ReadFullyAt(offset, dir);
        var list = new List<Bitmap>();
        var pos = 0;
        while (pos < size)
        {
            var at = offset + pos;
            if (list.Count >= count)
            {
                return Broken(c, at, $"the directory holds more bitmaps than the extension's {count}");
            }

            if (pos + EntryHeaderBytes > size)
            {
                return Broken(c, at, "an entry runs past the end of the directory");
            }

            if (pos + EntryHeaderBytes > dir.Length)
            {
                return Broken(c, at, $"entry {list.Count} lies past the end of the file ({c.FileLength} bytes) and reads as zeros");
            }

            var e = dir.AsSpan(pos);
            var tableOffset = BinaryPrimitives.ReadUInt64BigEndian(e);
            var tableEntries = BinaryPrimitives.ReadUInt32BigEndian(e[8..]);
            var flags = BinaryPrimitives.ReadUInt32BigEndian(e[12..]);
            var type = e[16];
            var granularity = e[17];
            var nameBytes = BinaryPrimitives.ReadUInt16BigEndian(e[18..]);
            var extraBytes = BinaryPrimitives.ReadUInt32BigEndian(e[20..]);
            var entryBytes = (EntryHeaderBytes + (long)extraBytes + nameBytes + 7) & ~7L;
            if (pos + entryBytes > size)
            {
                return Broken(c, at, "an entry runs past the end of the directory");
            }

            if (extraBytes != 0)
            {
                return Broken(c, at, $"entry {list.Count} has {extraBytes} bytes of extra data, which qemu does not support");
            }

            var physical = (ulong)tableEntries * (ulong)c.ClusterSize;
            var fails = tableEntries == 0 || tableOffset == 0 || (tableOffset & (ulong)(c.ClusterSize - 1)) != 0 || tableEntries > MaxTableEntries
                || granularity is > 31 or < 9 || (flags & ~3u) != 0 || nameBytes > MaxNameBytes || type != 1
                || physical > MaxBitmapBytes || c.Header.VirtualSizeBytes > ((physical * 8) << granularity);
            if (fails)
            {
                return Broken(c, at,
                    $"entry {list.Count} (table of {tableEntries} entries at {tableOffset}, flags 0x{flags:x}, type {type}, granularity {granularity} bits, name of {nameBytes} bytes) breaks qemu's constraints");
            }

            list.Add(new Bitmap(at, tableOffset, tableEntries));
            pos += (int)entryBytes;
        }

        return list.Count == count ? list : Broken(c, offset, $"the directory holds {list.Count} bitmaps, the extension says {count}");
    }

    private static List<Bitmap>? Broken(CheckContext c, long at, string why)
    {
        c.Corruption(Qcow2Codes.BitmapDirectory, What, at,
            $"the bitmap directory cannot be loaded: {why}; qemu ends its check here, this check goes on without the bitmaps, whose clusters show as leaks");
        return null;
    }

    private static void CountTable(CheckContext c, Bitmap b)
    {
        c.Reference(b.TableOffset, b.TableEntries * 8L, ClusterUse.OtherMetadata, What, b.EntryOffset, "a bitmap table");
        foreach (var (index, entry) in TableWords.NonZero(c, b.TableOffset, b.TableEntries))
        {
            var at = (long)b.TableOffset + (index * 8);
            var offset = entry & TableOffsetMask;
            if ((entry & TableReservedMask) != 0 || (offset != 0 && ((entry & 1) != 0 || (offset & (ulong)(c.ClusterSize - 1)) != 0)))
            {
                c.Corruption(Qcow2Codes.BitmapTableEntry, "QCOW2 bitmap table entry", at,
                    $"bitmap table entry {index} has reserved bits set or an unaligned offset",
                    $"0x{entry:x16}", "reserved bits clear, cluster aligned");
                continue;
            }

            if (offset != 0)
            {
                if (!c.TryReference(offset, c.ClusterSize, ClusterUse.OtherMetadata))
                {
                    c.ReportBeyondEnd(offset, c.ClusterSize, "QCOW2 bitmap table entry", at, $"the data of bitmap table entry {index}");
                }
            }
        }
    }
}
