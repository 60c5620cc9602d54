using SrRescue.Diagnostics;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuCheck;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// Healthy images in every layout qemu-img writes check clean, with qemu-img check's numbers
/// (allocated, compressed and fragmented clusters, the image end): plain, version 2, 512-byte and
/// 2 MiB clusters, extended L2, every refcount width, preallocated metadata, compressed clusters,
/// snapshots taken and deleted, persistent bitmaps, a sparse 2 TiB disk and a dirty one.
/// </summary>
public sealed class Qcow2CheckTests
{
    private static readonly string[] GuestWrites =
    [
        "write -P 0x11 0 1M", "write -P 0x22 10M 64k", "write -P 0x33 30M 200k", "write -z 40M 1M", "write -P 0x44 63M 3k",
    ];

    public static TheoryData<string, string[], bool> Layouts() => new()
    {
        { "v3-64k", [], true },
        { "v2", ["-o", "compat=0.10"], true },
        { "cluster-512", ["-o", "cluster_size=512"], true },
        { "cluster-2m", ["-o", "cluster_size=2M"], true },
        { "extended-l2", ["-o", "extended_l2=on,cluster_size=128k"], true },
        { "refcount-bits-1", ["-o", "refcount_bits=1"], false },
        { "refcount-bits-2", ["-o", "refcount_bits=2"], true },
        { "refcount-bits-4", ["-o", "refcount_bits=4"], true },
        { "refcount-bits-8", ["-o", "refcount_bits=8"], true },
        { "refcount-bits-32", ["-o", "refcount_bits=32"], true },
        { "refcount-bits-64", ["-o", "refcount_bits=64"], true },
        { "prealloc-metadata", ["-o", "preallocation=metadata"], true },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void A_healthy_image_checks_clean_with_qemus_numbers(string name, string[] options, bool snapshots)
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, name, "64M", options, GuestWrites);
        if (snapshots)
        {
            ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", file);
            IoCommands(file, "write -P 0x55 0 128k", "write -P 0x66 20M 64k");
        }

        var report = AssertSameAsQemu(file);
        Assert.True(report.IsClean);
        Assert.True(report.IsComplete);
        Assert.DoesNotContain(report.Findings, f => f.Severity != Severity.Info);
        Assert.Equal(snapshots ? 1 : 0, report.SnapshotCount);
        Assert.True(report.AllocatedClusters > 0);
    }

    [Fact]
    public void Compressed_clusters_are_counted_as_qemu_counts_them()
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 20 * Mi);
        var file = Path.Combine(dir, "compressed.qcow2");
        ExternalTool.RunChecked(Img, "convert", "-q", "-c", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=4096", raw, file);
        ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", file);
        IoCommands(file, "write -c -P 0x77 1M 64k", "write -P 0x78 5M 8k");
        var report = AssertSameAsQemu(file);
        Assert.True(report.IsClean);
        Assert.True(report.CompressedClusters > 0);
    }

    [Fact]
    public void Snapshots_taken_and_deleted_leave_shared_clusters_counted_right()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "snapshots", "64M", [], GuestWrites);
        ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", file);
        IoCommands(file, "write -P 0x55 0 128k");
        ExternalTool.RunChecked(Img, "snapshot", "-c", "snap2", file);
        IoCommands(file, "write -P 0x56 10M 64k", "write -P 0x57 50M 1M");
        ExternalTool.RunChecked(Img, "snapshot", "-c", "snap3", file);
        ExternalTool.RunChecked(Img, "snapshot", "-d", "snap1", file);
        var report = AssertSameAsQemu(file);
        Assert.True(report.IsClean);
        Assert.Equal(2, report.SnapshotCount);
    }

    [Fact]
    public void Persistent_bitmaps_are_counted()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "bitmaps", "64M", [], "write -P 0x11 0 1M");
        ExternalTool.RunChecked(Img, "bitmap", "--add", file, "b0");
        ExternalTool.RunChecked(Img, "bitmap", "--add", "-g", "4096", file, "b1");
        IoCommands(file, "write -P 0x12 8M 1M", "write -P 0x13 60M 64k");
        var report = AssertSameAsQemu(file);
        Assert.True(report.IsClean);
    }

    [Fact]
    public void A_sparse_2_TiB_image_reads_only_its_allocated_tables()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "huge", "2T", [], "write -P 0x11 0 1M", "write -P 0x22 1T 64k", "write -P 0x33 2047G 2M");
        var report = AssertSameAsQemu(file);
        Assert.True(report.IsClean);
        Assert.Equal(2L << 40 >> 16, report.TotalClusters);
    }

    [Fact]
    public void A_dirty_image_reports_its_stale_refcounts_as_warnings_with_qemus_counts()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "dirty", "64M", ["-o", "lazy_refcounts=on"]);

        // qemu-io's abort ends the process without flushing: the lazy refcounts never reach the disk.
        var r = ExternalTool.Run(QemuQcow2.Io, ["-f", "qcow2", "-c", "write -P 0x11 0 1M", "-c", "write -P 0x12 20M 64k", "-c", "abort", file]);
        Assert.NotEqual(0, r.ExitCode);
        var report = AssertSameAsQemu(file);
        Assert.True(report.IsDirty);
        Assert.True(report.Corruptions > 0, string.Join("\n", report.Findings));
        Assert.Contains(report.Findings, f => f.Code == Qcow2Codes.RefcountTooLow);
        Assert.All(report.Findings.Where(f => f.Code is Qcow2Codes.RefcountTooLow or Qcow2Codes.RefcountLeak or Qcow2Codes.CopiedData or Qcow2Codes.CopiedL2),
            f => Assert.Equal(Severity.Warning, f.Severity));
    }

    [Fact]
    public void A_file_without_a_header_throws_corrupt_data()
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 16 * Mi);
        using var f = SrRescue.Io.FileSource.Open(raw);
        var e = Assert.Throws<CorruptDataException>(() => Qcow2Checker.Check(f));
        Assert.Equal(Qcow2Codes.HeaderMagic, e.Finding.Code);
    }
}
