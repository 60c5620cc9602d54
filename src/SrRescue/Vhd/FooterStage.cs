using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The first stage of <see cref="VhdChecker"/>: both footer copies, whether each passes the rules,
/// and the one the rest of the check goes by (<see cref="FooterSelection"/>).
/// </summary>
internal sealed record FooterStage
{
    /// <summary>Where the primary footer is read: the last 512 bytes, or the last 511 of a legacy image.</summary>
    public required long PrimaryAt { get; init; }

    public required VhdFooter? Primary { get; init; }

    /// <summary>The primary passes every footer rule (vhd-util would accept it).</summary>
    public required bool PrimaryValid { get; init; }

    /// <summary>The last sector is all 0xC7: tapdisk had the image open (vhd.md 1.3).</summary>
    public required bool PrimaryKilled { get; init; }

    public required VhdFooter? Backup { get; init; }

    public required bool BackupValid { get; init; }

    /// <summary>The footer the rest of the check relies on; null when neither copy is a footer.</summary>
    public required VhdFooter? Chosen { get; init; }

    public FooterCopy ChosenCopy => Chosen is null ? FooterCopy.None : ReferenceEquals(Chosen, Primary) ? FooterCopy.Primary : FooterCopy.CopyAtOffset0;

    /// <summary>Where the chosen footer lies in the file.</summary>
    public long ChosenAt => ChosenCopy == FooterCopy.Primary ? PrimaryAt : 0;

    public bool IsCreatorTap => Chosen is { } f && f.CreatorApp.StartsWith("tap", StringComparison.Ordinal);

    /// <summary>True for blktap images of version 1.2 and later, which must have a batmap (vhd.md 3.4).</summary>
    public bool ExpectsBatmap => IsCreatorTap && Chosen!.CreatorVersion >= 0x00010002;

    /// <summary>Reads and checks both copies and chooses one; <see cref="Chosen"/> is null when the rest of the check has nothing to go by.</summary>
    public static FooterStage Read(InspectionInput input)
    {
        var log = input.Log;
        var len = input.LengthBytes;
        var now = input.Options.NowUtc ?? DateTime.UtcNow;
        if (len % VhdImage.SectorSize is not (0 or 511))
        {
            log.Add(Severity.Error, "vhd.file-size", "VHD", len - (len % VhdImage.SectorSize),
                "the file size is not a whole number of sectors (nor 511 bytes over, as legacy footers are): the file is truncated or has junk appended", len.ToString(), "a multiple of 512");
        }
        else if (len % VhdImage.SectorSize == 511)
        {
            // Virtual PC before 2004 wrote 511-byte footers; a file cut by its last (reserved, zero)
            // byte looks the same. Nothing is lost either way, but say which was read.
            log.Add(Severity.Info, "vhd.footer.legacy-511", "VHD footer", len - 511,
                "the file ends with a 511-byte footer (legacy Virtual PC, or a 512-byte footer cut by its last reserved byte); read as one padded with a zero");
        }

        if (len < VhdFooter.Size)
        {
            log.Add(Severity.Error, "vhd.too-small", "VHD", 0, $"{len} bytes cannot hold a VHD footer");
            return new FooterStage { PrimaryAt = 0, Primary = null, PrimaryValid = false, PrimaryKilled = false, Backup = null, BackupValid = false, Chosen = null };
        }

        var primaryAt = len % VhdImage.SectorSize == 511 ? len - 511 : len - VhdFooter.Size;
        var primaryBytes = input.Source.ReadBytes(primaryAt, VhdFooter.Size);
        var primaryKilled = primaryBytes.Length == VhdFooter.Size && primaryBytes.AsSpan().IndexOfAnyExcept((byte)0xC7) < 0;
        var primaryLog = new FindingLog();
        var primaryRules = new CappedFindings(primaryLog, input.Name);
        VhdFooter.TryRead(primaryBytes, primaryAt, primaryLog, FooterSelection.Describe(FooterCopy.Primary), input.Name, out var primary);
        var primaryValid = FooterSelection.IsValid(primary, primaryAt, FooterCopy.Primary, primaryRules, now);

        var backupLog = new FindingLog();
        var backupRules = new CappedFindings(backupLog, input.Name);
        var backupBytes = input.Source.ReadBytes(0, VhdFooter.Size);
        VhdFooter? backup = null;
        var backupValid = false;
        if (!(primaryValid && primary!.DiskType == VhdDiskType.Fixed))
        {
            VhdFooter.TryRead(backupBytes, 0, backupLog, FooterSelection.Describe(FooterCopy.CopyAtOffset0), input.Name, out backup);
            backupValid = FooterSelection.IsValid(backup, 0, FooterCopy.CopyAtOffset0, backupRules, now);
        }

        var chosen = FooterSelection.Choose(primary, primaryValid, backup, backupValid);
        var stage = new FooterStage
        {
            PrimaryAt = primaryAt,
            Primary = primary,
            PrimaryValid = primaryValid,
            PrimaryKilled = primaryKilled,
            Backup = backup,
            BackupValid = backupValid,
            Chosen = chosen,
        };

        var killedIsNormal = input.Options.Footers.KilledPrimaryIsNormal && backupValid;
        log.AddAll(primaryLog, f => killedIsNormal && f.Code == VhdCodes.FooterKilled ? f with { Severity = Severity.Info } : f);
        if (chosen is null || chosen.DiskType != VhdDiskType.Fixed)
        {
            log.AddAll(backupLog, f => f.Code == VhdCodes.FooterCookie && backupBytes.AsSpan().IndexOfAnyExcept((byte)0) < 0
                ? f with { Message = "the footer copy at offset 0 is all zeros" }
                : f);
        }

        if (primaryValid && backupValid && FooterRules.FirstDifference(primary!, backup!) is var d and >= 0)
        {
            log.Add(input.Options.Footers.CopiesMayDiffer ? Severity.Info : Severity.Error, "vhd.footer.mismatch", "VHD footer copy (at offset 0)", d,
                $"the footer at the end and the copy at offset 0 differ, first in the {FooterRules.FieldAt(d)} (byte {d}); the one at the end is used",
                $"0x{backup!.Raw[d]:x2}", $"0x{primary!.Raw[d]:x2}");
        }

        if (chosen is null)
        {
            log.Add(Severity.Error, "vhd.no-footer", "VHD", Math.Max(0, len - VhdFooter.Size), "no VHD footer: neither the last sector nor sector 0 holds one");
            return stage;
        }

        if (chosen.DiskType == VhdDiskType.Fixed && (ulong)primaryAt < chosen.CurrentSizeBytes)
        {
            log.Add(Severity.Error, VhdCodes.FixedTruncated, "VHD", primaryAt,
                $"a fixed disk of {chosen.CurrentSizeBytes} bytes needs that much data before its footer; the file holds {primaryAt}", primaryAt.ToString(), chosen.CurrentSizeBytes.ToString());
        }

        return stage;
    }
}
