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

    public static VhdCheckReport Check(IByteSource source, FindingLog log, VhdCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(log);
        var before = log.Count;
        var v = Inspect(source, options ?? new VhdCheckOptions(), log);
        var findings = log.Snapshot().Skip(before).ToList();
        var f = v.Footers.Chosen;
        var h = v.Header?.Parsed;
        var diff = f?.DiskType == VhdDiskType.Differencing;
        var batEntries = v.Bat?.Entries ?? [];
        return new VhdCheckReport
        {
            Name = source.Name,
            FileSizeBytes = source.Length,
            DiskType = f?.DiskType,
            VirtualSizeBytes = f is null ? 0 : (long)Math.Min(f.CurrentSizeBytes, long.MaxValue),
            Uuid = f?.Uuid ?? Guid.Empty,
            IsHidden = (v.Footers.Backup is { } b && FooterRules.ChecksumOk(b) ? b : f)?.IsHidden ?? false,
            FooterUsed = v.Footers.ChosenCopy,
            BlockSizeBytes = v.Header?.BlockSizeBytes ?? 0,
            MaxTableEntries = v.Header?.MaxTableEntries ?? 0,
            RecoveredMaxTableEntries = v.Header?.RecoveredMaxTableEntries,
            BatEntries = batEntries.Length,
            AllocatedBlocks = batEntries.Count(e => e != VhdImage.Unallocated),
            HasBatmap = v.Batmap?.Header is not null,
            ParentUuid = diff ? h?.ParentUuid ?? Guid.Empty : Guid.Empty,
            ParentName = diff ? v.Parent?.Described : null,
            ParentFoundAt = v.Parent?.FoundAt,
            BitmapsChecked = v.Input.Options.CheckBitmaps && batEntries.Length > 0,
            Findings = findings,
        };
    }

    /// <summary>Runs every check and returns what was read, for the repairer.</summary>
    internal static VhdInspection Inspect(IByteSource source, VhdCheckOptions options, FindingLog log)
    {
        var input = new InspectionInput(source, options, new CappedFindings(log, source.Name));
        try
        {
            return Run(input);
        }
        finally
        {
            input.Log.Flush();
        }
    }

    /// <summary>The stages in their fixed order, each given the records of the ones before it; a stage that has nothing to go by ends the check.</summary>
    private static VhdInspection Run(InspectionInput input)
    {
        var footers = FooterStage.Read(input);
        if (footers.Chosen is not { IsDynamicOrDifferencing: true } f)
        {
            return new VhdInspection(input, footers);
        }

        var header = HeaderStage.Read(input, footers);
        if (header.Parsed is not { BlockSizeIsUsable: true } h || h.TableOffset == 0 || h.TableOffset % VhdImage.SectorSize != 0 || h.TableOffset >= (ulong)input.LengthBytes)
        {
            return new VhdInspection(input, footers, header);
        }

        var batmap = BatmapStage.Read(input, footers, header);
        var bat = BatStage.Read(input, footers, header, batmap);
        BatmapRules.CheckFullBlocksAllocated(input.Log, batmap, bat);
        var parent = f.DiskType == VhdDiskType.Differencing ? ParentStage.Read(input, footers, header) : null;
        if (input.Options.CheckBitmaps)
        {
            BitmapDataCheck.Run(input, f, header, batmap, bat);
        }

        return new VhdInspection(input, footers, header, batmap, bat, parent);
    }
}
