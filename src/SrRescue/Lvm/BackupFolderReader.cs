using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// Reads /etc/lvm/backup and /etc/lvm/archive files (lvm2.md 4.1) from a folder as further
/// metadata copies. Files that are not LVM metadata are reported and skipped.
/// </summary>
internal static class BackupFolderReader
{
    private const long MaxFileBytes = Limits.MaxMetadataTextBytes;

    public static IReadOnlyList<MetadataCopy> Read(string folder, FindingLog log)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(log);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"LVM backup folder {folder} does not exist");
        }

        var copies = new List<MetadataCopy>();
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(Limits.MaxBackupFiles);
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            if (info.Length == 0)
            {
                log.Add(Severity.Info, "lvm.backup.skipped", "backup file", -1, $"{file}: empty, not a metadata file", source: file);
                continue;
            }

            if (info.Length > MaxFileBytes)
            {
                log.Add(Severity.Warning, "lvm.backup.too-large", "backup file", -1,
                    $"{file}: {info.Length} bytes, more than any real VG's metadata ({MaxFileBytes}): not read", info.Length.ToString(), $"<= {MaxFileBytes}", file);
                continue;
            }

            var bytes = File.ReadAllBytes(file);
            var copy = FromText(bytes, file, log);
            if (copy is not null)
            {
                copies.Add(copy);
            }
        }

        return copies;
    }

    /// <summary>A backup file's text as a copy; null (with a finding) when it holds no VG.</summary>
    public static MetadataCopy? FromText(byte[] bytes, string path, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] == 0)
        {
            end--;
        }

        var probe = new MetadataCopy
        {
            Origin = CopyOrigin.BackupFile,
            Source = path,
            OffsetBytes = 0,
            SizeBytes = bytes.Length,
            Checksum = Crc32.ComputeLvm(bytes),
            VgName = "",
            VgId = "",
            Seqno = 0,
            Utf8 = bytes.AsMemory(0, end),
        };
        var local = new FindingLog();
        var vg = MetadataHistory.Parse(probe, local);
        if (vg is null || string.IsNullOrEmpty(vg.Id))
        {
            log.Add(Severity.Info, "lvm.backup.not-metadata", "backup file", -1, $"{path} holds no LVM volume group", source: path);
            return null;
        }

        foreach (var f in local)
        {
            log.Add(f);
        }

        return probe with { VgName = vg.Name, VgId = vg.Id, Seqno = vg.Seqno };
    }
}
