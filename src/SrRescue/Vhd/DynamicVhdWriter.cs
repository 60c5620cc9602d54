using System.Buffers;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Writes a virtual disk (a file, an LV, a VHD chain's coalesced <see cref="VhdChain.Disk"/>) as
/// one self-contained dynamic VHD, in one pass: blocks that read as zeros are left unallocated,
/// every other block gets a full bitmap and is appended in disk order.
/// <para>
/// Creator `tap\0` 1.3 with a valid `tdbatmap` (every written block marked full): blktap treats
/// the file as one of its own (tapdisk opens it read-write, `vhd-util check` passes, reads take the
/// batmap shortcut), and qemu sizes `tap\0` images by the exact current size, not by CHS
/// (vhd.md 1.4, 3.4, 5.2, 5.3). Geometry is the specification's CHS for the current size.
/// </para>
/// Memory: three block frames from the pool (one being written, the next ones being read), the
/// BAT and the batmap (4 MiB and 128 KiB for 2 TiB).
/// </summary>
public static class DynamicVhdWriter
{
    /// <summary>qemu's limit (VHD_MAX_SECTORS, vhd.md 5.3); it also keeps every sector number in the 32-bit BAT.</summary>
    public const long MaxVirtualSizeBytes = 0xFF000000L * 512;

    private const int FrameLeadBytes = (DynamicVhdLayout.MaxGapSectors + 1) * DynamicVhdLayout.SectorBytes;
    private const int GapBytes = DynamicVhdLayout.MaxGapSectors * DynamicVhdLayout.SectorBytes;

    /// <param name="output">A writable, seekable stream (a new file): the BAT is written last, at its place after the header.</param>
    public static DynamicVhdWriteResult Write(IByteSource disk, Stream output, DynamicVhdWriteOptions? options = null,
        IProgress<WorkProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(output);
        options ??= DynamicVhdWriteOptions.Default;
        if (!output.CanSeek || !output.CanWrite)
        {
            throw new ArgumentException("the output must be a writable, seekable stream", nameof(output));
        }

        if (disk.Length > MaxVirtualSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(disk), disk.Length, $"a VHD holds at most {MaxVirtualSizeBytes} bytes (2040 GiB)");
        }

        var layout = new DynamicVhdLayout(disk.Length);
        var uuid = options.Uuid ?? Guid.NewGuid();
        var footer = layout.Footer(uuid, VhdTime.FromDateTime(options.TimestampUtc ?? DateTime.UtcNow), options.Hidden);
        var bat = new uint[layout.TableEntries];
        Array.Fill(bat, VhdImage.Unallocated);
        var batmap = new byte[layout.BatmapSectors * DynamicVhdLayout.SectorBytes];

        output.Position = 0;
        output.Write(footer);
        output.Write(layout.Header());

        var end = layout.EndOfMetadataBytes;
        output.Position = end;
        var written = WriteBlocks(disk, output, bat.AsSpan(0, layout.BlockCount), batmap, ref end, progress, cancel);

        output.Position = end;
        output.Write(footer);
        var fileBytes = end + VhdFooter.Size;
        WriteMetadata(output, layout, bat, batmap);
        output.SetLength(fileBytes);
        if (output is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            output.Flush();
        }

        progress?.Report(new WorkProgress(disk.Name, disk.Length, disk.Length));
        return new DynamicVhdWriteResult(uuid, layout.VirtualSizeBytes, layout.BlockCount, written, (long)written * DynamicVhdLayout.BlockBytes, fileBytes);
    }

    /// <summary>
    /// Appends each non-zero block as a frame [gap sectors][bitmap][data]: one write per block, the
    /// gap putting the bitmap at sector 7 mod 8. The next blocks are read meanwhile.
    /// </summary>
    private static int WriteBlocks(IByteSource disk, Stream output, Span<uint> bat, byte[] batmap, ref long end,
        IProgress<WorkProgress>? progress, CancellationToken cancel)
    {
        using var blocks = new NonZeroBlockReader(disk, DynamicVhdLayout.BlockBytes, bat.Length, FrameLeadBytes, lead =>
        {
            lead[..GapBytes].Clear();
            lead[GapBytes..].Fill(0xFF);
        }, progress, cancel);
        var handle = (output as FileStream)?.SafeFileHandle;
        var written = 0;
        while (blocks.TryNext(out var block, out var frame))
        {
            var bitmapSector = DynamicVhdLayout.BitmapSectorAtOrAfter(end);
            var gapBytes = (int)((bitmapSector * DynamicVhdLayout.SectorBytes) - end);
            var bytes = gapBytes + DynamicVhdLayout.SectorBytes + DynamicVhdLayout.BlockBytes;
            output.Write(frame, GapBytes - gapBytes, bytes);
            blocks.Release();
            if (handle is not null)
            {
                WriteBehind.Start(handle, end, bytes);
            }

            bat[block] = (uint)bitmapSector;
            batmap[block >> 3] |= (byte)(0x80 >> (block & 7));
            end = ((bitmapSector + 1) * DynamicVhdLayout.SectorBytes) + DynamicVhdLayout.BlockBytes;
            written++;
        }

        return written;
    }

    private static void WriteMetadata(Stream output, DynamicVhdLayout layout, uint[] bat, byte[] batmap)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(layout.MetadataBytes);
        try
        {
            layout.Metadata(bat, batmap, bytes);
            output.Position = DynamicVhdLayout.TableOffsetBytes;
            output.Write(bytes, 0, layout.MetadataBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
