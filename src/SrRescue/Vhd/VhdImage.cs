using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// One VHD file or LV, opened read-only: its footers, dynamic header, BAT and blktap batmap, read
/// leniently. Every problem becomes a finding; only a VHD with no usable footer at all throws.
/// Sizes from disk are bounded by the source length before anything is allocated.
/// </summary>
public sealed class VhdImage
{
    public const uint Unallocated = 0xFFFFFFFF;
    public const int SectorSize = 512;

    /// <summary>BAT entries read at most (2^24 × 2 MiB blocks = 32 TiB, far beyond VHD's 2 TiB).</summary>
    public const long MaxBatEntries = 1 << 24;

    private readonly VhdBat _bat;
    private readonly byte[]? _batmap;

    private VhdImage(IByteSource source, VhdFooter footer, VhdFooter? primary, VhdFooter? backup, DynamicHeader? header,
        VhdBat bat, BatmapHeader? batmapHeader, byte[]? batmap, bool batmapValid, string structureSource)
    {
        Source = source;
        Footer = footer;
        PrimaryFooter = primary;
        BackupFooter = backup;
        Header = header;
        _bat = bat;
        BatmapHeader = batmapHeader;
        _batmap = batmap;
        BatmapValid = batmapValid;
        Name = structureSource;
    }

    public IByteSource Source { get; }

    public string Name { get; }

    /// <summary>The footer in use: the primary when it is valid, else the copy at offset 0.</summary>
    public VhdFooter Footer { get; }

    /// <summary>The footer in the last sector (null when absent or not a footer).</summary>
    public VhdFooter? PrimaryFooter { get; }

    /// <summary>The copy at offset 0 (dynamic and differencing disks).</summary>
    public VhdFooter? BackupFooter { get; }

    public DynamicHeader? Header { get; }

    public BatmapHeader? BatmapHeader { get; }

    /// <summary>The batmap's checksum matched: its "block is full" bits may be used as a shortcut.</summary>
    public bool BatmapValid { get; }

    public VhdDiskType DiskType => Footer.DiskType;

    public long VirtualSizeBytes => (long)Math.Min(Footer.CurrentSizeBytes, long.MaxValue);

    public Guid Uuid => Footer.Uuid;

    public bool IsHidden => (BackupFooter ?? Footer).IsHidden || Footer.IsHidden;

    public long BlockSizeBytes => Header?.BlockSizeBytes ?? 0;

    /// <summary>Sectors of the bitmap in front of each block (1 for 2 MiB blocks).</summary>
    public int BitmapSectors => Header is null ? 0 : (int)Math.Max(1, (Header.BlockSizeBytes / SectorSize / 8 + SectorSize - 1) / SectorSize);

    public IReadOnlyList<uint> Bat => _bat;

    public int AllocatedBlocks => _bat.AllocatedCount;

    /// <summary>End of the last allocated block, in bytes (vhd-util query -s: + 512 is the physical size).</summary>
    public long EndOfDataBytes => _bat.AllocatedCount == 0 ? 0 : (((long)_bat.MaxAllocatedSector + BitmapSectors) * SectorSize) + BlockSizeBytes;

    public bool BatmapSaysFull(int block) =>
        BatmapValid && _batmap is not null && block >> 3 < _batmap.Length && (_batmap[block >> 3] & (0x80 >> (block & 7))) != 0;

    /// <summary>Absolute byte offset of a block's bitmap, or -1 when the block is not allocated.</summary>
    public long BitmapOffset(int block) => block < _bat.Count && _bat[block] is var entry && entry != Unallocated ? (long)entry * SectorSize : -1;

    /// <param name="footers">Which footer states are normal where the VHD lives; null: a file's (<see cref="FooterPolicy.File"/>).</param>
    public static VhdImage Open(IByteSource source, FindingLog log, FooterPolicy? footers = null)
    {
        footers ??= FooterPolicy.File;
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(log);
        var name = source.Name;
        var length = source.Length;
        var primaryLog = new FindingLog();
        VhdFooter? primary = null;
        var primaryOk = false;
        if (length >= VhdFooter.Size)
        {
            var at = length % SectorSize == 511 ? length - 511 : length - VhdFooter.Size;
            VhdFooter.TryRead(source.ReadBytes(at, VhdFooter.Size), at, primaryLog, FooterSelection.Describe(FooterCopy.Primary), name, out primary);
            primaryOk = FooterSelection.IsValid(primary, at, FooterCopy.Primary);
        }
        else
        {
            primaryLog.Add(Severity.Error, "vhd.too-small", "VHD", 0, $"{length} bytes cannot hold a VHD footer", source: name);
        }

        var backupLog = new FindingLog();
        var backup = length >= VhdFooter.Size
            && VhdFooter.TryRead(source.ReadBytes(0, VhdFooter.Size), 0, backupLog, FooterSelection.Describe(FooterCopy.CopyAtOffset0), name, out var copy)
            ? copy : null;

        var backupOk = FooterSelection.IsValid(backup, 0, FooterCopy.CopyAtOffset0);
        var footer = FooterSelection.Choose(primary, primaryOk, backup, backupOk);
        if (footer is null)
        {
            foreach (var f in primaryLog.Concat(backupLog))
            {
                log.Add(f);
            }

            throw new CorruptDataException(new Finding(Severity.Error, "vhd.no-footer", "VHD", Math.Max(0, length - VhdFooter.Size),
                "no VHD footer: neither the last sector nor sector 0 holds one", Source: name));
        }

        if (footer.IsDynamicOrDifferencing)
        {
            foreach (var f in backupLog)
            {
                log.Add(f);
            }
        }

        if (!footer.IsDynamicOrDifferencing)
        {
            AddAll(log, primaryLog);
            var data = (ulong)Math.Max(0, source.Length - VhdFooter.Size);
            if (footer.CurrentSizeBytes > data)
            {
                // The same rule vhd check applies (VhdChecker): a fixed disk is its file less the footer.
                log.Add(Severity.Error, VhdCodes.FixedTruncated, "VHD", Math.Max(0, source.Length - VhdFooter.Size),
                    $"a fixed disk of {footer.CurrentSizeBytes} bytes needs that much data before its footer; the file holds {data}: the file is cut or the size is damaged ('srrescue vhd repair' sets the size to what the file holds)",
                    data.ToString(), footer.CurrentSizeBytes.ToString(), name);
            }

            return new VhdImage(source, footer, primary, null, null, VhdBat.Empty, null, null, false, name);
        }

        var header = ReadHeader(source, footer, log, name);
        if (header is null)
        {
            AddAll(log, primaryLog);
            return new VhdImage(source, footer, primary, backup, null, VhdBat.Empty, null, null, false, name);
        }

        var bat = ReadBat(source, footer, header, log, name);
        var (batmapHeader, batmap, batmapValid) = ReadBatmap(source, footer, header, log, name);
        var image = new VhdImage(source, footer, primary, backup, header, bat, batmapHeader, batmap, batmapValid, name);
        if (primaryOk)
        {
            return image;
        }

        // Where the policy allows it, the footer may follow the VHD's data rather than end the
        // volume, or the last sector may hold a killed one.
        var end = Math.Max(image.EndOfDataBytes, image.EndOfMetadataBytes);
        var deflated = footers.FooterMayFollowData && end + VhdFooter.Size <= length
            && VhdFooter.TryRead(source.ReadBytes(end, VhdFooter.Size), end, new FindingLog(), "VHD footer (at the end of data)", name, out var atEnd)
            ? atEnd : null;
        if (deflated is { IsPoisoned: false } && deflated.ChecksumMatches && deflated.Uuid == footer.Uuid)
        {
            log.Add(Severity.Info, "vhd.footer.at-end-of-data", "VHD footer", end,
                "the footer is at the end of the VHD's data, not in the LV's last sector: the LV was deflated", source: name);
            return new VhdImage(source, deflated, deflated, backup, header, bat, batmapHeader, batmap, batmapValid, name);
        }

        foreach (var f in primaryLog)
        {
            log.Add(footers.KilledPrimaryIsNormal && f.Code == VhdCodes.FooterKilled && backupOk ? f with { Severity = Severity.Info } : f);
        }

        if (footer == backup)
        {
            log.Add(Severity.Warning, "vhd.footer.using-backup", "VHD footer", 0, "the primary footer is unusable; the copy at offset 0 is used", source: name);
        }

        return image;
    }

    private static void AddAll(FindingLog log, FindingLog from)
    {
        foreach (var f in from)
        {
            log.Add(f);
        }
    }

    /// <summary>End of the header, BAT, batmap and parent locator data, in bytes (blktap's end of metadata).</summary>
    public long EndOfMetadataBytes
    {
        get
        {
            if (Header is not { } h)
            {
                return VhdFooter.Size;
            }

            long end = (long)Math.Min(Footer.DataOffset, (ulong)Source.Length) + DynamicHeader.Size;
            var batEnd = (long)Math.Min(h.TableOffset, (ulong)Source.Length) + RoundUp((long)h.MaxTableEntries * 4);
            end = Math.Max(end, batEnd);
            if (BatmapHeader is { } b)
            {
                end = Math.Max(end, batEnd + BatmapHeader.Size);
                end = Math.Max(end, (long)Math.Min(b.BatmapOffset, (ulong)Source.Length) + ((long)b.BatmapSectors * SectorSize));
            }

            foreach (var l in h.Locators.Where(l => l.IsUsed && l.DataOffset < (ulong)Source.Length))
            {
                end = Math.Max(end, (long)l.DataOffset + (l.DataSpaceBytes ?? RoundUp(l.DataLength)));
            }

            return end;
        }
    }

    private static long RoundUp(long bytes) => (bytes + SectorSize - 1) / SectorSize * SectorSize;

    private static DynamicHeader? ReadHeader(IByteSource source, VhdFooter footer, FindingLog log, string name)
    {
        if (footer.DataOffset > (ulong)(source.Length - DynamicHeader.Size) || footer.DataOffset % SectorSize != 0)
        {
            log.Add(Severity.Error, "vhd.footer.data-offset", "VHD footer", VhdFooter.Off.DataOffset,
                "the dynamic header offset lies outside the file; trying 512", footer.DataOffset.ToString(), "512", name);
        }

        var at = footer.DataOffset <= (ulong)(source.Length - DynamicHeader.Size) ? (long)footer.DataOffset : 512;
        DynamicHeader.TryRead(source.ReadBytes(at, DynamicHeader.Size), at, log, name, out var header);
        if (header is not null && !header.BlockSizeIsUsable)
        {
            log.Add(Severity.Error, "vhd.header.block-size", "VHD dynamic header", at + DynamicHeader.Off.BlockSize,
                "block size is not a power of two between 512 bytes and 2 MiB; blocks cannot be located", header.BlockSizeBytes.ToString(), "2097152", name);
            return null;
        }

        return header;
    }

    private static VhdBat ReadBat(IByteSource source, VhdFooter footer, DynamicHeader header, FindingLog log, string name)
    {
        // blktap reads ceil(current_size / block) entries even when max_table_entries is larger (vhd.md 3.1).
        // Divide first: a size near 2^64 must not wrap round to a small count.
        var neededBlocks = (footer.CurrentSizeBytes / header.BlockSizeBytes) + (footer.CurrentSizeBytes % header.BlockSizeBytes == 0 ? 0UL : 1UL);
        var needed = (long)Math.Min(neededBlocks, long.MaxValue);
        var count = Math.Min(needed, header.MaxTableEntries);
        if (needed > header.MaxTableEntries)
        {
            log.Add(Severity.Error, "vhd.header.bat-too-small", "VHD dynamic header", 512 + DynamicHeader.Off.MaxTableEntries,
                "max_table_entries does not cover the virtual size; the rest of the disk reads as unallocated", header.MaxTableEntries.ToString(), needed.ToString(), name);
            if (footer.CurrentSizeBytes > (ulong)DynamicVhdWriter.MaxVirtualSizeBytes)
            {
                log.Add(Severity.Error, VhdCodes.FooterSizeImplausible, "VHD footer", VhdFooter.Off.CurrentSize,
                    $"the current size is more than a VHD holds ({DynamicVhdWriter.MaxVirtualSizeBytes} bytes) and than the BAT covers ({(ulong)header.MaxTableEntries * header.BlockSizeBytes} bytes): the size is damaged; 'srrescue vhd repair' writes a copy with a size that fits",
                    footer.CurrentSizeBytes.ToString(), $"<= {(ulong)header.MaxTableEntries * header.BlockSizeBytes}", name);
            }
        }

        var fits = header.TableOffset < (ulong)source.Length ? (source.Length - (long)header.TableOffset) / 4 : 0;
        if (count > fits || count > MaxBatEntries)
        {
            log.Add(Severity.Error, "vhd.bat.truncated", "VHD BAT", (long)Math.Min(header.TableOffset, long.MaxValue),
                $"the BAT needs {count} entries but only {Math.Min(fits, MaxBatEntries)} fit in the file", count.ToString(), fits.ToString(), name);
            count = Math.Min(fits, MaxBatEntries);
        }

        return VhdBat.Read(source, (long)header.TableOffset, (int)count);
    }

    private static (BatmapHeader?, byte[]?, bool) ReadBatmap(IByteSource source, VhdFooter footer, DynamicHeader header, FindingLog log, string name)
    {
        var at = (long)header.TableOffset + ((((long)header.MaxTableEntries * 4) + SectorSize - 1) / SectorSize * SectorSize);
        var expected = footer.CreatorApp == "tap\0" && footer.CreatorVersion >= 0x00010002;
        var h = at < source.Length && BatmapHeader.TryRead(source.ReadBytes(at, BatmapHeader.Size), at, log, name, out var read) ? read : null;
        if (h is null)
        {
            if (expected)
            {
                log.Add(Severity.Warning, "vhd.batmap.missing", "VHD batmap header", at, "blktap 1.2+ VHD without a batmap header after the BAT", source: name);
            }

            return (null, null, false);
        }

        var bytes = Math.Min((long)h.BatmapSectors * SectorSize, Math.Max(0, source.Length - (long)Math.Min(h.BatmapOffset, long.MaxValue)));
        if (h.BatmapOffset >= (ulong)source.Length || bytes <= 0 || bytes > MaxBatEntries / 8)
        {
            log.Add(Severity.Error, "vhd.batmap.range", "VHD batmap header", at + BatmapHeader.Off.BatmapOffset, "the batmap lies outside the file", h.BatmapOffset.ToString(), source: name);
            return (h, null, false);
        }

        var map = source.ReadBytes((long)h.BatmapOffset, (int)bytes);
        var computed = BatmapHeader.ComputeChecksum(map, footer.CurrentSizeBytes, h.Version);
        var valid = computed == h.StoredChecksum;
        if (!valid)
        {
            log.Add(Severity.Warning, "vhd.batmap.checksum", "VHD batmap header", at + BatmapHeader.Off.Checksum,
                "batmap checksum mismatch; the batmap is ignored (it is only a shortcut: BAT and bitmaps are authoritative)", $"0x{h.StoredChecksum:x8}", $"0x{computed:x8}", name);
        }

        return (h, map, valid);
    }
}
