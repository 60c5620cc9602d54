using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Every check `vhd-util check` makes (vhd.md 3.6), reporting all problems instead of stopping at
/// the first: both footer copies and their equality, the dynamic header, the parent fields, the
/// BAT (headers, footer, overlaps in O(n log n)), the batmap, the parent locators and, with a
/// resolver, the parent itself; with <see cref="VhdCheckOptions.CheckBitmaps"/> also bitmaps
/// against data (-b). Reads only metadata unless the bitmap check is asked for, so a 2 TiB image
/// costs a few MiB of reads. Never throws for damage: everything becomes a finding.
/// </summary>
public static class VhdChecker
{
    /// <summary>Findings of one code listed at most; the rest are counted in one more finding.</summary>
    public const int MaxFindingsPerCode = CappedFindings.PerCode;

    private const int BatChunkEntries = 1 << 18;

    public static VhdCheckReport Check(IByteSource source, FindingLog log, VhdCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(log);
        var before = log.Count;
        var v = Inspect(source, options ?? new VhdCheckOptions(), log);
        var findings = log.Snapshot().Skip(before).ToList();
        var f = v.Footer;
        var h = v.Header;
        var diff = f?.DiskType == VhdDiskType.Differencing;
        return new VhdCheckReport
        {
            Name = source.Name,
            FileSizeBytes = source.Length,
            DiskType = f?.DiskType,
            VirtualSizeBytes = f is null ? 0 : (long)Math.Min(f.CurrentSizeBytes, long.MaxValue),
            Uuid = f?.Uuid ?? Guid.Empty,
            IsHidden = (v.Backup is { } b && FooterRules.ChecksumOk(b) ? b : f)?.IsHidden ?? false,
            FooterUsed = v.FooterUsed,
            BlockSizeBytes = v.BlockSizeBytes,
            MaxTableEntries = v.MaxTableEntries,
            RecoveredMaxTableEntries = v.RecoveredMaxTableEntries,
            BatEntries = v.Bat.Length,
            AllocatedBlocks = v.Bat.Count(e => e != VhdImage.Unallocated),
            HasBatmap = v.BatmapHeader is not null,
            ParentUuid = diff ? h?.ParentUuid ?? Guid.Empty : Guid.Empty,
            ParentName = diff ? v.ParentDescribed : null,
            ParentFoundAt = v.ParentFoundAt,
            BitmapsChecked = v.Options.CheckBitmaps && v.Bat.Length > 0,
            Findings = findings,
        };
    }

    /// <summary>Runs every check and returns what was read, for the repairer.</summary>
    internal static VhdInspection Inspect(IByteSource source, VhdCheckOptions options, FindingLog log)
    {
        var capped = new CappedFindings(log, source.Name);
        var v = new VhdInspection(source, options, capped);
        try
        {
            if (ReadFooters(v) && v.Footer!.IsDynamicOrDifferencing)
            {
                CheckDynamic(v);
            }
        }
        finally
        {
            capped.Flush();
        }

        return v;
    }

    private static bool ReadFooters(VhdInspection v)
    {
        var len = v.LengthBytes;
        var now = v.Options.NowUtc ?? DateTime.UtcNow;
        if (len % VhdImage.SectorSize is not (0 or 511))
        {
            v.Log.Add(Severity.Error, "vhd.file-size", "VHD", len - (len % VhdImage.SectorSize),
                "the file size is not a whole number of sectors (nor 511 bytes over, as legacy footers are): the file is truncated or has junk appended", len.ToString(), "a multiple of 512");
        }
        else if (len % VhdImage.SectorSize == 511)
        {
            // Virtual PC before 2004 wrote 511-byte footers; a file cut by its last (reserved, zero)
            // byte looks the same. Nothing is lost either way, but say which was read.
            v.Log.Add(Severity.Info, "vhd.footer.legacy-511", "VHD footer", len - 511,
                "the file ends with a 511-byte footer (legacy Virtual PC, or a 512-byte footer cut by its last reserved byte); read as one padded with a zero");
        }

        if (len < VhdFooter.Size)
        {
            v.Log.Add(Severity.Error, "vhd.too-small", "VHD", 0, $"{len} bytes cannot hold a VHD footer");
            return false;
        }

        v.PrimaryAt = len % VhdImage.SectorSize == 511 ? len - 511 : len - VhdFooter.Size;
        var primaryBytes = v.Source.ReadBytes(v.PrimaryAt, VhdFooter.Size);
        v.PrimaryKilled = primaryBytes.Length == VhdFooter.Size && primaryBytes.AsSpan().IndexOfAnyExcept((byte)0xC7) < 0;
        var primaryLog = new FindingLog();
        var primaryRules = new CappedFindings(primaryLog, v.Name);
        v.Primary = VhdFooter.TryRead(primaryBytes, v.PrimaryAt, FooterSelection.Describe(FooterCopy.Primary), primaryLog, v.Name);
        v.PrimaryValid = FooterSelection.IsValid(v.Primary, v.PrimaryAt, FooterCopy.Primary, primaryRules, now);

        var backupLog = new FindingLog();
        var backupRules = new CappedFindings(backupLog, v.Name);
        var backupBytes = v.Source.ReadBytes(0, VhdFooter.Size);
        if (!(v.PrimaryValid && v.Primary!.DiskType == VhdDiskType.Fixed))
        {
            v.Backup = VhdFooter.TryRead(backupBytes, 0, FooterSelection.Describe(FooterCopy.CopyAtOffset0), backupLog, v.Name);
            v.BackupValid = FooterSelection.IsValid(v.Backup, 0, FooterCopy.CopyAtOffset0, backupRules, now);
        }

        v.Footer = FooterSelection.Choose(v.Primary, v.PrimaryValid, v.Backup, v.BackupValid);
        v.FooterUsed = v.Footer is null ? FooterCopy.None : ReferenceEquals(v.Footer, v.Primary) ? FooterCopy.Primary : FooterCopy.CopyAtOffset0;

        var killedIsNormal = v.Options.Footers.KilledPrimaryIsNormal && v.BackupValid;
        v.Log.AddAll(primaryLog, f => killedIsNormal && f.Code == VhdCodes.FooterKilled ? f with { Severity = Severity.Info } : f);
        if (v.Footer is null || v.Footer.DiskType != VhdDiskType.Fixed)
        {
            v.Log.AddAll(backupLog, f => f.Code == VhdCodes.FooterCookie && backupBytes.AsSpan().IndexOfAnyExcept((byte)0) < 0
                ? f with { Message = "the footer copy at offset 0 is all zeros" }
                : f);
        }

        if (v.PrimaryValid && v.BackupValid && FooterRules.FirstDifference(v.Primary!, v.Backup!) is var d and >= 0)
        {
            v.Log.Add(v.Options.Footers.CopiesMayDiffer ? Severity.Info : Severity.Error, "vhd.footer.mismatch", "VHD footer copy (at offset 0)", d,
                $"the footer at the end and the copy at offset 0 differ, first in the {FooterRules.FieldAt(d)} (byte {d}); the one at the end is used",
                $"0x{v.Backup!.Raw[d]:x2}", $"0x{v.Primary!.Raw[d]:x2}");
        }

        if (v.Footer is null)
        {
            v.Log.Add(Severity.Error, "vhd.no-footer", "VHD", Math.Max(0, len - VhdFooter.Size), "no VHD footer: neither the last sector nor sector 0 holds one");
            return false;
        }

        if (v.Footer.DiskType == VhdDiskType.Fixed && (ulong)v.PrimaryAt < v.Footer.CurrentSizeBytes)
        {
            v.Log.Add(Severity.Error, VhdCodes.FixedTruncated, "VHD", v.PrimaryAt,
                $"a fixed disk of {v.Footer.CurrentSizeBytes} bytes needs that much data before its footer; the file holds {v.PrimaryAt}", v.PrimaryAt.ToString(), v.Footer.CurrentSizeBytes.ToString());
        }

        return true;
    }

    private static void CheckDynamic(VhdInspection v)
    {
        var f = v.Footer!;
        var len = v.LengthBytes;
        var at = 512L;
        if (f.DataOffset % VhdImage.SectorSize != 0 || f.DataOffset > (ulong)Math.Max(0, len - DynamicHeader.Size))
        {
            v.Log.Add(Severity.Error, "vhd.footer.data-offset", "VHD footer", (ReferenceEquals(f, v.Primary) ? v.PrimaryAt : 0) + VhdFooter.Off.DataOffset,
                "the dynamic header offset lies outside the file or is not sector aligned; reading the header at 512", f.DataOffset.ToString(), "512");
        }
        else
        {
            at = (long)f.DataOffset;
        }

        v.HeaderAt = at;
        v.HeaderRaw = len >= at + DynamicHeader.Size ? v.Source.ReadBytes(at, DynamicHeader.Size) : null;
        var scratch = new FindingLog();
        var h = DynamicHeader.TryRead(v.HeaderRaw ?? v.Source.ReadBytes(at, DynamicHeader.Size), at, scratch, v.Name);
        v.Log.AddAll(scratch);
        if (h is null)
        {
            return;
        }

        v.Header = h;
        v.MaxTableEntries = h.MaxTableEntries;
        HeaderRules.Validate(v, h);
        if (!h.BlockSizeIsUsable)
        {
            return;
        }

        v.BlockSizeBytes = h.BlockSizeBytes;
        v.BitmapSectors = (int)Math.Max(1, ((h.BlockSizeBytes / VhdImage.SectorSize / 8) + VhdImage.SectorSize - 1) / VhdImage.SectorSize);
        RecoverMaxTableEntries(v, h);
        HeaderRules.ValidateParentFields(v, h, f.DiskType);
        if (h.TableOffset == 0 || h.TableOffset % VhdImage.SectorSize != 0 || h.TableOffset >= (ulong)len)
        {
            return;
        }

        BatmapRules.Read(v);
        v.EndOfHeadersBytes = EndOfHeaders(v, h);
        v.BlockLimitBytes = v.Primary is not null ? v.PrimaryAt : len - (len % VhdImage.SectorSize);
        ReadBat(v, h);
        BatRules.Validate(v);
        BatmapRules.CheckFullBlocksAllocated(v);
        if (f.DiskType == VhdDiskType.Differencing)
        {
            var paths = LocatorRules.Validate(v, h);
            var name = HeaderRules.DecodeParentName(h.Raw);
            v.ParentDescribed = !string.IsNullOrEmpty(name) ? name : paths.Count > 0 ? paths[0] : "(unnamed)";
            v.ParentFoundAt = LocatorRules.CheckParent(v, h, v.ParentDescribed);
        }

        if (v.Options.CheckBitmaps)
        {
            BitmapDataCheck.Run(v);
        }
    }

    /// <summary>
    /// A damaged max_table_entries moves the batmap and the end of the metadata; when the header
    /// checksum is wrong, or the batmap is not where the stored value puts it, the value the other
    /// facts agree on is used for the rest of the check and reported.
    /// </summary>
    private static void RecoverMaxTableEntries(VhdInspection v, DynamicHeader h)
    {
        var f = v.Footer!;
        var needed = (f.CurrentSizeBytes / h.BlockSizeBytes) + (f.CurrentSizeBytes % h.BlockSizeBytes == 0 ? 0UL : 1UL);
        var batmapAt = (long)Math.Min(h.TableOffset, (ulong)long.MaxValue / 2) + MaxTableEntriesRecovery.RoundUp512((long)h.MaxTableEntries * 4);
        var expectsBatmap = v.IsCreatorTap && f.CreatorVersion >= 0x00010002;
        var batmapThere = batmapAt <= v.LengthBytes - BatmapHeader.Size && v.Source.ReadBytes(batmapAt, 8).AsSpan().SequenceEqual(BatmapHeader.Cookie);
        var suspect = !h.ChecksumMatches || needed > h.MaxTableEntries || (expectsBatmap && !batmapThere)
            || !HeaderRules.Fits(h.TableOffset, (ulong)h.MaxTableEntries * 4, v.LengthBytes - VhdFooter.Size);
        if (!suspect || MaxTableEntriesRecovery.Recover(v.Source, h, f.CurrentSizeBytes) is not { } r || r.Value == h.MaxTableEntries)
        {
            return;
        }

        var diffByte = Math.Max(0, MaxTableEntriesRecovery.FirstDifferingByte(h.MaxTableEntries, r.Value));
        v.MaxTableEntries = r.Value;
        v.RecoveredMaxTableEntries = r.Value;
        v.RecoveryEvidence = r.Evidence;
        v.Log.Add(Severity.Error, "vhd.header.max-table-entries", HeaderRules.What, v.HeaderAt + DynamicHeader.Off.MaxTableEntries + diffByte,
            $"max_table_entries is damaged: {r.Evidence}; the check goes on with {r.Value}", h.MaxTableEntries.ToString(), r.Value.ToString());
    }

    private static long EndOfHeaders(VhdInspection v, DynamicHeader h)
    {
        var end = Math.Max(v.HeaderAt + DynamicHeader.Size, (long)h.TableOffset + MaxTableEntriesRecovery.RoundUp512((long)v.MaxTableEntries * 4));
        end = Math.Max(end, BatmapRules.EndBytes(v));
        foreach (var loc in h.Locators)
        {
            // Locators whose data lies outside the file are reported by the locator rules; they
            // must not push the end of the metadata past every block.
            if (loc.IsUsed && loc.IsKnownCode && loc.DataSpaceBytes is { } space && HeaderRules.Fits(loc.DataOffset, (ulong)space, v.LengthBytes))
            {
                end = Math.Max(end, (long)loc.DataOffset + space);
            }
        }

        return end;
    }

    private static void ReadBat(VhdInspection v, DynamicHeader h)
    {
        var f = v.Footer!;
        var needed = (f.CurrentSizeBytes / h.BlockSizeBytes) + (f.CurrentSizeBytes % h.BlockSizeBytes == 0 ? 0UL : 1UL);
        if (needed > v.MaxTableEntries)
        {
            v.Log.Add(Severity.Error, "vhd.header.bat-too-small", HeaderRules.What, v.HeaderAt + DynamicHeader.Off.MaxTableEntries,
                "max_table_entries does not cover the virtual size; the rest of the disk reads as unallocated", v.MaxTableEntries.ToString(), needed.ToString());
        }

        var count = (long)Math.Min(needed, v.MaxTableEntries);
        var fits = ((long)((ulong)v.LengthBytes - h.TableOffset)) / 4;
        if (count > fits || count > VhdImage.MaxBatEntries)
        {
            v.Log.Add(Severity.Error, "vhd.bat.truncated", BatRules.What, (long)h.TableOffset,
                $"the BAT needs {count} entries but only {Math.Min(fits, VhdImage.MaxBatEntries)} fit in the file", count.ToString(), fits.ToString());
            count = Math.Min(fits, VhdImage.MaxBatEntries);
        }

        var bat = new uint[count];
        var chunk = new byte[(int)Math.Min(count, BatChunkEntries) * 4];
        for (long i = 0; i < count; i += BatChunkEntries)
        {
            var n = (int)Math.Min(BatChunkEntries, count - i);
            var got = v.Source.ReadFullyAt((long)h.TableOffset + (i * 4), chunk.AsSpan(0, n * 4));
            for (var k = 0; k < n; k++)
            {
                bat[i + k] = (k + 1) * 4 <= got ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(k * 4)) : VhdImage.Unallocated;
            }
        }

        v.Bat = bat;
    }
}
