using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Partitions;

/// <summary>
/// Everything the partition layer reads from a disk: the MBR (if sector 0 has the boot signature),
/// the GPT (if "EFI PART" is at LBA 1 or the last LBA), and the sector size they imply. Reading
/// never writes; damage becomes findings.
/// </summary>
public sealed record DiskPartitions(long DiskBytes, int SectorSize, bool SectorSizeKnown, MbrTable? Mbr, GptTable? Gpt)
{
    public long DiskSectors => DiskBytes / SectorSize;

    /// <summary>What kind of table the disk has: gpt, mbr, or none.</summary>
    public string Kind => Gpt is not null ? "gpt" : Mbr is { IsProtective: false } ? "mbr" : "none";

    public static DiskPartitions Read(IByteSource disk, FindingLog log, int? sectorSize = null)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(log);
        var detected = sectorSize ?? GptTable.DetectSectorSize(disk);
        var ss = detected ?? 512;
        var gpt = detected is null ? null : GptTable.TryRead(disk, log, ss);

        var mbr = MbrTable.TryRead(disk, ss, log);
        if (gpt is null && mbr is null)
        {
            log.Add(Severity.Warning, "partitions.none", "partition table", 0, "no partition table: no MBR boot signature in sector 0 and no GPT header at LBA 1 or the last LBA");
        }

        if (gpt is not null && (mbr is null || !mbr.IsProtective))
        {
            log.Add(Severity.Warning, "partitions.mbr.not-protective", "MBR", 0,
                mbr is null ? "the disk has a GPT but no protective MBR" : "the disk has a GPT but sector 0 holds an MBR without a protective 0xEE entry (a foreign MBR written over it?)");
        }

        if (mbr is { IsProtective: true } && gpt is null)
        {
            log.Add(Severity.Error, "partitions.gpt.lost", "GPT", ss,
                "the protective MBR says this is a GPT disk but neither GPT copy is there");
        }

        if (gpt is not null && gpt.Primary is null && gpt.Backup is null)
        {
            gpt = null;
        }

        return new DiskPartitions(disk.Length, ss, sectorSize is not null || detected is not null, mbr, gpt);
    }
}
