using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The dynamic header stage of <see cref="VhdChecker"/>, for a dynamic or differencing disk: the
/// header as stored and parsed, and the geometry the rest of the check goes by, with
/// max_table_entries recovered where the stored value is damaged.
/// </summary>
internal sealed record HeaderStage
{
    public required long At { get; init; }

    /// <summary>The 1024 header bytes as stored (even when the cookie is damaged), or null past the end of the file.</summary>
    public required byte[]? Raw { get; init; }

    /// <summary>The header as parsed; null when its cookie and checksum are both wrong (the later stages do not run).</summary>
    public required DynamicHeader? Parsed { get; init; }

    /// <summary>max_table_entries as stored, or the value recovered from the other facts when it is damaged.</summary>
    public required uint MaxTableEntries { get; init; }

    /// <summary>Set when the stored max_table_entries was judged damaged and this value recovered.</summary>
    public required uint? RecoveredMaxTableEntries { get; init; }

    public required string? RecoveryEvidence { get; init; }

    /// <summary>0 when the stored block size is not one blktap accepts (the later stages do not run).</summary>
    public required uint BlockSizeBytes { get; init; }

    public required int BitmapSectors { get; init; }

    public long SectorsPerBlock => BlockSizeBytes / VhdImage.SectorSize;

    /// <summary>Sectors one allocated block occupies in the file: bitmap and data.</summary>
    public long BlockFootprintSectors => BitmapSectors + SectorsPerBlock;

    public long BatAt => Parsed is null ? -1 : (long)Parsed.TableOffset;

    /// <summary>Reads the header where the chosen footer puts it and applies the header rules.</summary>
    public static HeaderStage Read(InspectionInput input, FooterStage footers)
    {
        var f = footers.Chosen!;
        var log = input.Log;
        var len = input.LengthBytes;
        var at = 512L;
        if (f.DataOffset % VhdImage.SectorSize != 0 || f.DataOffset > (ulong)Math.Max(0, len - DynamicHeader.Size))
        {
            log.Add(Severity.Error, "vhd.footer.data-offset", "VHD footer", footers.ChosenAt + VhdFooter.Off.DataOffset,
                "the dynamic header offset lies outside the file or is not sector aligned; reading the header at 512", f.DataOffset.ToString(), "512");
        }
        else
        {
            at = (long)f.DataOffset;
        }

        var raw = len >= at + DynamicHeader.Size ? input.Source.ReadBytes(at, DynamicHeader.Size) : null;
        var scratch = new FindingLog();
        DynamicHeader.TryRead(raw ?? input.Source.ReadBytes(at, DynamicHeader.Size), at, scratch, input.Name, out var h);
        log.AddAll(scratch);
        var stage = new HeaderStage
        {
            At = at,
            Raw = raw,
            Parsed = h,
            MaxTableEntries = h?.MaxTableEntries ?? 0,
            RecoveredMaxTableEntries = null,
            RecoveryEvidence = null,
            BlockSizeBytes = 0,
            BitmapSectors = 0,
        };
        if (h is null)
        {
            return stage;
        }

        HeaderRules.Validate(input, at, h);
        if (!h.BlockSizeIsUsable)
        {
            return stage;
        }

        var recovered = RecoverMaxTableEntries(input, footers, at, h);
        HeaderRules.ValidateParentFields(input, at, h, f.DiskType);
        return stage with
        {
            MaxTableEntries = recovered?.Value ?? h.MaxTableEntries,
            RecoveredMaxTableEntries = recovered?.Value,
            RecoveryEvidence = recovered?.Evidence,
            BlockSizeBytes = h.BlockSizeBytes,
            BitmapSectors = (int)Math.Max(1, ((h.BlockSizeBytes / VhdImage.SectorSize / 8) + VhdImage.SectorSize - 1) / VhdImage.SectorSize),
        };
    }

    /// <summary>
    /// A damaged max_table_entries moves the batmap and the end of the metadata; when the header
    /// checksum is wrong, or the batmap is not where the stored value puts it, the value the other
    /// facts agree on is used for the rest of the check and reported.
    /// </summary>
    private static MaxTableEntriesRecovery.Result? RecoverMaxTableEntries(InspectionInput input, FooterStage footers, long headerAt, DynamicHeader h)
    {
        var f = footers.Chosen!;
        var needed = (f.CurrentSizeBytes / h.BlockSizeBytes) + (f.CurrentSizeBytes % h.BlockSizeBytes == 0 ? 0UL : 1UL);
        var batmapAt = (long)Math.Min(h.TableOffset, (ulong)long.MaxValue / 2) + MaxTableEntriesRecovery.RoundUp512((long)h.MaxTableEntries * 4);
        var batmapThere = batmapAt <= input.LengthBytes - BatmapHeader.Size && input.Source.ReadBytes(batmapAt, 8).AsSpan().SequenceEqual(BatmapHeader.Cookie);
        var suspect = !h.ChecksumMatches || needed > h.MaxTableEntries || (footers.ExpectsBatmap && !batmapThere)
            || !HeaderRules.Fits(h.TableOffset, (ulong)h.MaxTableEntries * 4, input.LengthBytes - VhdFooter.Size);
        if (!suspect || MaxTableEntriesRecovery.Recover(input.Source, h, f.CurrentSizeBytes) is not { } r || r.Value == h.MaxTableEntries)
        {
            return null;
        }

        var diffByte = Math.Max(0, MaxTableEntriesRecovery.FirstDifferingByte(h.MaxTableEntries, r.Value));
        input.Log.Add(Severity.Error, "vhd.header.max-table-entries", HeaderRules.What, headerAt + DynamicHeader.Off.MaxTableEntries + diffByte,
            $"max_table_entries is damaged: {r.Evidence}; the check goes on with {r.Value}", h.MaxTableEntries.ToString(), r.Value.ToString());
        return r;
    }
}
