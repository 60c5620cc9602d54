using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>/etc/lvm/backup and /etc/lvm/archive files as metadata copies (lvm2.md 4.1).</summary>
public sealed class BackupFolderReaderTests
{
    [Fact]
    public void Backup_and_archive_files_become_copies_and_other_files_are_skipped()
    {
        var dir = Fixtures.NewTempDir();
        File.Copy(Samples.PathOf("vgtwo_00005-1941848942.vg"), Path.Combine(dir, "vgtwo_00005-1941848942.vg"));
        File.Copy(Samples.PathOf("s2_vgcfgbackup.vg"), Path.Combine(dir, "vgtwo"));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not metadata");
        var log = new FindingLog();
        var copies = BackupFolderReader.Read(dir, log).OrderBy(c => c.Seqno).ToList();
        Assert.Equal([6L, 7L], copies.Select(c => c.Seqno));
        Assert.All(copies, c => Assert.Equal(CopyOrigin.BackupFile, c.Origin));
        Assert.All(copies, c => Assert.Equal("vgtwo", c.VgName));
        Assert.All(copies, c => Assert.Equal("4cyiIe-Pg81-d9eZ-ebrZ-a9dV-Phxq-t52t6w", c.VgId));
        Assert.Contains(log, f => f.Code == "lvm.backup.not-metadata" && f.Source!.EndsWith("notes.txt", StringComparison.Ordinal));

        var history = MetadataHistory.Build(copies, new FindingLog());
        var vg = Assert.Single(history.Vgs);
        Assert.Equal(7, vg.Newest!.Seqno);
        Assert.Contains(vg.Versions[1].Changes, c => c.LvName == "small");
    }
}
