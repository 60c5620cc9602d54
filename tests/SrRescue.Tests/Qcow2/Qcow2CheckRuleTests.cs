using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuCheck;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// The rules the damage tests do not reach: snapshot entries without the extra data version 3
/// needs, bitmap tables and directories, an external data file (whose clusters are not this
/// file's), and a refcount table qemu refuses to open (where this check goes on).
/// </summary>
public sealed class Qcow2CheckRuleTests
{
    private static void AssertFinding(Qcow2CheckReport report, string code, long offset) =>
        Assert.True(report.Findings.Any(f => f.Code == code && f.Offset == offset),
            $"no {code} at {offset}:\n{string.Join("\n", report.Findings)}");

    private static string WithBitmap(string name)
    {
        var file = Make(Fixtures.NewTempDir(), name, "64M", []);
        ExternalTool.RunChecked(Img, "bitmap", "--add", file, "b0");
        IoCommands(file, "write -P 0x11 0 1M");
        return file;
    }

    /// <summary>The bitmap directory's offset and its first entry's table offset.</summary>
    private static (long Directory, long Table) FirstBitmap(string file)
    {
        using var f = FileSource.Open(file);
        var image = Qcow2Image.Open(f, new FindingLog());
        var ext = image.Extensions.Single(e => e.Type == Qcow2Extension.Bitmaps);
        var directory = (long)BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(16));
        var table = (long)Qcow2Layout.Of(file).ReadU64(directory);
        return (directory, table);
    }

    [Fact]
    public void A_version_3_snapshot_entry_without_16_bytes_of_extra_data_is_incomplete()
    {
        var file = Make(Fixtures.NewTempDir(), "incomplete", "16M", [], "write -P 0x11 0 64k");
        ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", file);
        var d = Qcow2Layout.Of(file);
        var entry = (long)d.Header.SnapshotsOffset;
        d.WriteU32(entry + Qcow2Snapshot.Off.ExtraDataSize, 8);
        var report = AssertSameAsQemu(file);
        AssertFinding(report, Qcow2Codes.SnapshotIncomplete, entry + Qcow2Snapshot.Off.ExtraDataSize);
    }

    [Fact]
    public void A_bitmap_table_entry_with_reserved_bits_is_a_corruption_at_the_entry()
    {
        var file = WithBitmap("bitmap-entry");
        var (_, table) = FirstBitmap(file);
        var d = Qcow2Layout.Of(file);
        var entry = d.ReadU64(table);
        Assert.NotEqual(0UL, entry);
        d.WriteU64(table, entry | 0x2);

        // qemu loads bitmap tables when it opens the image, and refuses this one there.
        Assert.NotEqual(0, ExternalTool.Run(Img, ["check", "-f", "qcow2", file]).ExitCode);
        var report = Ours(file);
        AssertFinding(report, Qcow2Codes.BitmapTableEntry, table);
        Assert.Equal(1, report.Corruptions);
        Assert.Equal(1, report.Leaks);
    }

    [Fact]
    public void A_bitmap_directory_entry_qemu_cannot_load_is_a_corruption_and_its_clusters_leak()
    {
        var file = WithBitmap("bitmap-dir");
        var (directory, _) = FirstBitmap(file);
        using (var s = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            s.Position = directory + 16;
            s.WriteByte(7);
        }

        // qemu-img check stops at the directory; this check goes on without the bitmaps.
        Assert.NotEqual(0, ExternalTool.Run(Img, ["check", "-f", "qcow2", file]).ExitCode);
        var report = Ours(file);
        AssertFinding(report, Qcow2Codes.BitmapDirectory, directory);
        Assert.Equal(1, report.Corruptions);
        Assert.True(report.Leaks >= 2, string.Join("\n", report.Findings));
    }

    [Fact]
    public void Clusters_of_an_external_data_file_are_not_counted_in_this_one()
    {
        var dir = Fixtures.NewTempDir();
        var file = Path.Combine(dir, "external.qcow2");
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-o", "data_file=external.raw", file, "64M");
        IoCommands(file, "write -P 0x11 0 1M", "write -P 0x12 10M 64k", "write -P 0x13 63M 64k");
        var report = AssertSameAsQemu(file);
        Assert.True(report.IsClean);
        Assert.Contains(report.Findings, f => f.Code == Qcow2Codes.ExternalData);
    }

    [Fact]
    public void A_refcount_table_qemu_refuses_to_open_is_reported_and_checked_all_the_same()
    {
        var file = Make(Fixtures.NewTempDir(), "reftable-offset", "16M", [], "write -P 0x11 0 64k");
        var d = Qcow2Layout.Of(file);
        d.WriteU64(Qcow2Header.Off.RefcountTableOffset, d.Header.RefcountTableOffset + 512);
        Assert.NotEqual(0, ExternalTool.Run(Img, ["check", "-f", "qcow2", file]).ExitCode);
        var report = Ours(file);
        AssertFinding(report, Qcow2Codes.RefcountTableBounds, Qcow2Header.Off.RefcountTableOffset);
        Assert.False(report.IsClean);
    }
}
