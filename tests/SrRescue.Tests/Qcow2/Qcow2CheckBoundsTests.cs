using System.Buffers.Binary;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuCheck;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// The check's work and memory are bounded by the file: a file cut at every cluster boundary gives
/// qemu's counts whenever qemu finishes, and tables that all point at one another (4 million L1
/// entries naming one L2 table, 65536 snapshots naming one L1 table) are read once each and
/// counted as often as they are named; a file of more clusters than the check counts is checked
/// as far as it counts, and the report says it is incomplete.
/// </summary>
public sealed class Qcow2CheckBoundsTests
{
    [Fact]
    public void A_file_cut_at_every_cluster_boundary_gives_qemus_counts()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "cut", "4M", ["-o", "cluster_size=4k"], "write -P 0x11 0 40k", "write -c -P 0x12 1M 16k", "write -P 0x13 3M 8k");
        ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", file);
        IoCommands(file, "write -P 0x14 0 8k");
        var length = new FileInfo(file).Length;
        var compared = 0;
        for (var cut = 4096L; cut < length; cut += 4096)
        {
            var copy = Copy(file, $"cut{cut}");
            using (var s = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite))
            {
                s.SetLength(cut);
            }

            var qemu = ExternalTool.Run(Img, ["check", "--output=json", "-f", "qcow2", copy]);
            if (qemu.StdOut.TrimStart().StartsWith('{'))
            {
                AssertSameAsQemu(copy);
                compared++;
            }
            else
            {
                Ours(copy);
            }

            File.Delete(copy);
        }

        Assert.True(compared > 0);
    }

    [Fact]
    public void Tables_that_all_name_one_another_are_read_once_and_counted_as_often()
    {
        const int bits = 16;
        const long cluster = 1L << bits;
        const uint l1Entries = 4 << 20;
        const int snapshots = 65536;
        const long reftable = cluster;
        const long refblock = 2 * cluster;
        const long l2 = 3 * cluster;
        const long data = 4 * cluster;
        const long l1 = 5 * cluster;
        const long l1Bytes = l1Entries * 8L;
        const long snapshotTable = l1 + l1Bytes;
        const int snapshotEntry = 64;
        var image = new byte[snapshotTable + (snapshots * (long)snapshotEntry)];
        var h = image.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(h, Qcow2Header.Magic);
        BinaryPrimitives.WriteUInt32BigEndian(h[Qcow2Header.Off.Version..], 3);
        BinaryPrimitives.WriteUInt32BigEndian(h[Qcow2Header.Off.ClusterBits..], bits);
        BinaryPrimitives.WriteUInt64BigEndian(h[Qcow2Header.Off.Size..], (ulong)l1Entries * (cluster / 8) * cluster);
        BinaryPrimitives.WriteUInt32BigEndian(h[Qcow2Header.Off.L1Size..], l1Entries);
        BinaryPrimitives.WriteUInt64BigEndian(h[Qcow2Header.Off.L1TableOffset..], l1);
        BinaryPrimitives.WriteUInt64BigEndian(h[Qcow2Header.Off.RefcountTableOffset..], reftable);
        BinaryPrimitives.WriteUInt32BigEndian(h[Qcow2Header.Off.RefcountTableClusters..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(h[Qcow2Header.Off.SnapshotCount..], snapshots);
        BinaryPrimitives.WriteUInt64BigEndian(h[Qcow2Header.Off.SnapshotsOffset..], snapshotTable);
        BinaryPrimitives.WriteUInt32BigEndian(h[Qcow2Header.Off.RefcountOrder..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(h[Qcow2Header.Off.HeaderLength..], Qcow2Header.Version3MinSize);
        BinaryPrimitives.WriteUInt64BigEndian(h[(int)reftable..], refblock);
        for (var i = 0; i * cluster < image.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(h[(int)(refblock + (i * 2))..], 1);
        }

        for (var i = 0; i < cluster / 8; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(h[(int)(l2 + (i * 8))..], L2Entry.CopiedFlag | data);
        }

        for (var i = 0; i < l1Entries; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(h[(int)(l1 + (i * 8L))..], L2Entry.CopiedFlag | l2);
        }

        for (var i = 0; i < snapshots; i++)
        {
            var e = h[(int)(snapshotTable + (i * (long)snapshotEntry))..];
            BinaryPrimitives.WriteUInt64BigEndian(e, l1);
            BinaryPrimitives.WriteUInt32BigEndian(e[Qcow2Snapshot.Off.L1Size..], l1Entries);
            BinaryPrimitives.WriteUInt16BigEndian(e[Qcow2Snapshot.Off.IdSize..], 1);
            BinaryPrimitives.WriteUInt16BigEndian(e[Qcow2Snapshot.Off.NameSize..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(e[Qcow2Snapshot.Off.ExtraDataSize..], 16);
            e[Qcow2Snapshot.Size + 16] = (byte)'1';
            e[Qcow2Snapshot.Size + 17] = (byte)'s';
        }

        var report = Qcow2Checker.Check(new MemorySource(image, "loops.qcow2"));
        Assert.Equal(snapshots, report.SnapshotCount);
        Assert.True(report.IsComplete);

        // The active table maps 2^35 guest clusters to one host cluster: qemu counts each.
        Assert.Equal((long)l1Entries * (cluster / 8), report.AllocatedClusters);
        Assert.Contains(report.Findings, f => f.Code == Qcow2Codes.RefcountOverflow && f.Offset == data);
        Assert.Contains(report.Findings, f => f.Code == Qcow2Codes.RefcountTooLow && f.Offset == refblock + (data >> bits << 1));
        Assert.True(report.Findings.Count < 200, $"{report.Findings.Count} findings");
    }

    [Fact]
    public void A_file_with_more_clusters_than_the_check_counts_is_checked_in_part_and_says_so()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "wide", "1G", ["-o", "cluster_size=512"], "write -P 0x11 0 64k");

        // A sparse tail of zeros: more 512-byte clusters than the check counts, none referenced.
        using (var s = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            s.SetLength((Qcow2Checker.MaxHostClusters + 1000) * 512);
        }

        var report = Ours(file);
        Assert.False(report.IsComplete);
        Assert.Contains(report.Findings, f => f.Code == Qcow2Codes.TooLarge);
        Assert.Equal(0, report.Corruptions);
        Assert.Equal(0, report.Leaks);
        Assert.True(report.AllocatedClusters >= 128);
    }
}
