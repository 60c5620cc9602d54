using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Partitions;
using SrRescue.Recovery;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `partitions`: the disk, its MBR and GPT with their health, the PVs found, the table proposed,
/// and what this run wrote (a table file with the dd commands that apply it, or the undo journal
/// of an in-place write). GUIDs are upper case, as sgdisk prints and takes them.
/// </summary>
internal sealed record PartitionsReport(string Schema, string Source, long Size, int SectorSize, bool SectorSizeDetected, long DiskSectors, string Kind,
    PartitionsReport.MbrTableEntry? Mbr, PartitionsReport.GptTableEntry? Gpt, bool Searched, IReadOnlyList<PartitionsReport.PvEntry> Pvs,
    PartitionsReport.ProposedEntry Proposed, string? TableFile, string? Journal, IReadOnlyList<FindingReport> Findings)
{
    internal sealed record MbrTableEntry(string DiskSignature, bool Protective, bool Hybrid, IReadOnlyList<MbrPartitionEntry> Partitions);

    internal sealed record MbrPartitionEntry(int Number, string Type, long FirstLba, long LastLba, long Sectors, bool Bootable, bool Extended);

    /// <param name="Used">primary or backup: the copy the partitions are read from.</param>
    internal sealed record GptTableEntry(GptCopyEntry? Primary, GptCopyEntry? Backup, string? Used, string? DiskGuid, IReadOnlyList<GptPartitionEntry> Partitions);

    /// <param name="Problems">The header fields that are impossible for this disk (my_lba, usable, ...), for the text's health.</param>
    internal sealed record GptCopyEntry(long Offset, bool Valid, bool HeaderCrcOk, bool EntriesCrcOk, uint HeaderSize, ulong MyLba, ulong AlternateLba,
        ulong FirstUsableLba, ulong LastUsableLba, ulong EntriesLba, uint EntryCount, uint EntrySize, string DiskGuid, [property: JsonIgnore] IReadOnlyList<string> Problems);

    internal sealed record GptPartitionEntry(int Number, ulong FirstLba, ulong LastLba, string TypeGuid, string TypeName, string UniqueGuid, string Name, ulong Attributes,
        [property: JsonIgnore] ulong Sectors);

    internal sealed record PvEntry(string PvUuid, long PvOffset, long LabelOffset, long DeviceSize, bool LabelCrcOk, int? Partition);

    /// <param name="Sgdisk">One sgdisk run that makes the same table on DEVICE; null when there is nothing to write.</param>
    /// <param name="Dd">The dd commands that put the table file's records on DEVICE; empty without a table file.</param>
    internal sealed record ProposedEntry(string Kind, string Reason, bool Changes, string? DiskGuid, ulong FirstUsableLba, ulong LastUsableLba,
        IReadOnlyList<GptPartitionEntry> Partitions, IReadOnlyList<WriteEntry> Writes, IReadOnlyList<string>? Sgdisk, IReadOnlyList<string> Dd);

    internal sealed record WriteEntry(string What, long Offset, int Length);

    /// <param name="tableFile">The table file this run wrote, or null.</param>
    /// <param name="journal">The undo journal of this run's in-place write, or null.</param>
    public static PartitionsReport Of(PartitionInspection r, string source, string? tableFile, string? journal, FindingLog log)
    {
        var d = r.Disk;
        var prop = r.Proposal;
        return new PartitionsReport("srrescue.partitions/1", source, d.DiskBytes, d.SectorSize, d.SectorSizeKnown, d.DiskSectors, d.Kind,
            d.Mbr is { } mbr ? new MbrTableEntry($"{mbr.DiskSignature:x8}", mbr.IsProtective, mbr.IsHybrid,
                [.. mbr.Partitions.Select(p => new MbrPartitionEntry(p.Number, $"{p.Type:x2}", p.StartLba, p.LastLba, p.SectorCount, p.Bootable, p.IsExtended))]) : null,
            d.Gpt is { } gpt ? new GptTableEntry(CopyOf(gpt.Primary), CopyOf(gpt.Backup), gpt.Used is null ? null : gpt.Used == gpt.Primary ? "primary" : "backup",
                gpt.Used is { } used ? Upper(used.Header.DiskGuid) : null, EntriesOf(gpt.Partitions)) : null,
            r.Searched,
            [.. r.Pvs.Select(pv => new PvEntry(pv.PvUuid, pv.PvStartBytes, pv.LabelOffsetBytes, pv.DeviceSizeBytes, pv.CrcMatches, r.PartitionOf(pv)))],
            new ProposedEntry(prop.Kind, prop.Reason, prop.HasChanges, prop.DiskGuid == Guid.Empty ? null : Upper(prop.DiskGuid), prop.FirstUsableLba, prop.LastUsableLba,
                EntriesOf(prop.Entries), [.. prop.Patches.Select(p => new WriteEntry(p.What, p.OffsetBytes, p.Bytes.Length))], prop.SgdiskArguments("DEVICE"),
                DdCommands(tableFile, prop, "DEVICE")),
            tableFile, journal, FindingReport.Of(log));
    }

    /// <summary>The dd commands that apply a table file's records to a device (each record is sector-aligned in the file, 4 KiB apart).</summary>
    private static List<string> DdCommands(string? tableFile, ProposedTable proposal, string device)
    {
        var commands = new List<string>();
        if (tableFile is null)
        {
            return commands;
        }

        long fileOffset = PatchFile.HeaderBytes;
        foreach (var patch in proposal.Patches)
        {
            commands.Add($"dd if={tableFile} of={device} bs=512 skip={fileOffset / 512} seek={patch.OffsetBytes / 512} count={patch.Bytes.Length / 512} conv=notrunc,fsync");
            fileOffset += (patch.Bytes.Length + 4095L) / 4096 * 4096;
        }

        return commands;
    }

    private static string Upper(Guid g) => g.ToString("D").ToUpperInvariant();

    private static GptCopyEntry? CopyOf(GptCopy? c) => c is null ? null : new GptCopyEntry(c.HeaderOffsetBytes, c.IsValid, c.Header.CrcMatches, c.EntriesCrcMatches,
        c.Header.HeaderSize, c.Header.MyLba, c.Header.AlternateLba, c.Header.FirstUsableLba, c.Header.LastUsableLba, c.Header.EntriesLba, c.Header.EntryCount,
        c.Header.EntrySize, Upper(c.Header.DiskGuid), c.Problems);

    private static List<GptPartitionEntry> EntriesOf(IReadOnlyList<GptEntry> entries) => [.. entries.Select(e => new GptPartitionEntry(e.Number, e.FirstLba, e.LastLba,
        Upper(e.TypeGuid), GptEntry.TypeName(e.TypeGuid), Upper(e.UniqueGuid), e.Name, e.Attributes, e.SectorCount))];
}
