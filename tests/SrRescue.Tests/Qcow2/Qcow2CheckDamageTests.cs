using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuCheck;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// Copies of qemu-made images damaged one structure at a time: our counts of corruptions, leaks and
/// check errors equal qemu-img check's on the same file, and the finding names the rule and the
/// byte offset of the damaged entry.
/// </summary>
public sealed class Qcow2CheckDamageTests
{
    private static readonly Lazy<string> Plain = new(() =>
        Make(Fixtures.NewTempDir(), "plain", "64M", [], "write -P 0x11 0 1M", "write -P 0x22 10M 64k", "write -P 0x33 30M 200k", "write -P 0x44 63M 3k"));

    private static readonly Lazy<string> WithSnapshot = new(() =>
    {
        var file = Make(Fixtures.NewTempDir(), "snap", "64M", [], "write -P 0x11 0 1M", "write -P 0x22 10M 64k");
        ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", file);
        IoCommands(file, "write -P 0x55 0 128k");
        return file;
    });

    private static Qcow2Layout Damage(Lazy<string> baseImage, string name) => Qcow2Layout.Of(Copy(baseImage.Value, name));

    private static void AssertFinding(Qcow2CheckReport report, string code, long offset) =>
        Assert.True(report.Findings.Any(f => f.Code == code && f.Offset == offset),
            $"no {code} at {offset}:\n{string.Join("\n", report.Findings)}");

    [Fact]
    public void A_refcount_one_too_low_is_a_corruption_at_the_refcount_entry()
    {
        var d = Damage(Plain, "rc-low");
        var (_, entry) = d.FirstDataEntry();
        var cluster = (long)(entry & L2TableCheck.OffsetMask) >> d.ClusterBits;
        var (at, value) = d.Refcount(cluster);
        Assert.Equal(1UL, value);
        d.SetRefcount(cluster, 0);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.RefcountTooLow, at);
        Assert.Equal(0, report.Leaks);
    }

    [Fact]
    public void A_refcount_one_too_high_is_a_leak_and_breaks_the_copied_flag()
    {
        var d = Damage(Plain, "rc-high");
        var (entryAt, entry) = d.FirstDataEntry();
        var cluster = (long)(entry & L2TableCheck.OffsetMask) >> d.ClusterBits;
        var (at, _) = d.Refcount(cluster);
        d.SetRefcount(cluster, 2);
        var report = AssertSameAsQemu(d.File);
        Assert.Equal(1, report.Leaks);
        AssertFinding(report, Qcow2Codes.RefcountLeak, at);
        AssertFinding(report, Qcow2Codes.CopiedData, entryAt);
    }

    [Fact]
    public void An_L2_table_whose_refcount_is_zero_is_a_corruption_and_a_copied_flag_error_on_its_L1_entry()
    {
        var d = Damage(Plain, "l2-rc-zero");
        var (index, l2) = d.FirstL2();
        d.SetRefcount(l2 >> d.ClusterBits, 0);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.RefcountTooLow, d.Refcount(l2 >> d.ClusterBits).At);
        AssertFinding(report, Qcow2Codes.CopiedL2, d.L1EntryAt(index));
    }

    [Fact]
    public void A_cluster_appended_with_a_refcount_but_no_reference_is_a_leak()
    {
        var d = Damage(Plain, "appended");
        var cluster = d.Length / d.ClusterSize;
        d.SetLength(d.Length + d.ClusterSize);
        d.SetRefcount(cluster, 1);
        var report = AssertSameAsQemu(d.File);
        Assert.Equal(1, report.Leaks);
        Assert.Equal(0, report.Corruptions);
        AssertFinding(report, Qcow2Codes.RefcountLeak, d.Refcount(cluster).At);
    }

    [Fact]
    public void An_L2_entry_pointing_past_the_end_is_a_corruption_at_the_entry()
    {
        var d = Damage(Plain, "l2-past-end");
        var (at, entry) = d.FirstDataEntry();
        d.WriteU64(at, (entry & ~L2TableCheck.OffsetMask) | (ulong)(d.Length + (16 * d.ClusterSize)));
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.BeyondEnd, at);
        Assert.Equal(1, report.Leaks);
    }

    [Fact]
    public void An_L2_entry_off_a_cluster_boundary_is_a_corruption_at_the_entry()
    {
        var d = Damage(Plain, "l2-unaligned");
        var (at, entry) = d.FirstDataEntry();
        d.WriteU64(at, entry + 512);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.L2Unaligned, at);
    }

    [Fact]
    public void An_L1_entry_off_a_cluster_boundary_is_a_corruption_at_the_entry()
    {
        var d = Damage(Plain, "l1-unaligned");
        var (index, _) = d.FirstL2();
        d.WriteU64(d.L1EntryAt(index), d.L1[index] + 512);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.L1Unaligned, d.L1EntryAt(index));
    }

    [Fact]
    public void An_L1_entry_pointing_past_the_end_is_a_corruption_at_the_entry()
    {
        var d = Damage(Plain, "l1-past-end");
        var (index, _) = d.FirstL2();
        d.WriteU64(d.L1EntryAt(index), L2Entry.CopiedFlag | (ulong)(d.Length + (100 * d.ClusterSize)));
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.BeyondEnd, d.L1EntryAt(index));
    }

    [Fact]
    public void An_L2_table_placed_on_the_refcount_block_overlaps_it()
    {
        var d = Damage(Plain, "l2-on-refblock");
        var (index, _) = d.FirstL2();
        var refblock = (long)(d.ReadU64((long)d.Header.RefcountTableOffset) & StoredRefcounts.OffsetMask);
        d.WriteU64(d.L1EntryAt(index), L2Entry.CopiedFlag | (ulong)refblock);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.Overlap, refblock);
        AssertFinding(report, Qcow2Codes.RefcountBlockShared, refblock);
    }

    [Fact]
    public void An_L2_table_placed_on_the_L1_table_overlaps_it()
    {
        var d = Damage(Plain, "l2-on-l1");
        var (index, _) = d.FirstL2();
        d.WriteU64(d.L1EntryAt(index), L2Entry.CopiedFlag | d.Header.L1TableOffset);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.Overlap, (long)d.Header.L1TableOffset);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    public void A_truncated_file_gives_qemus_counts(int clustersCut)
    {
        var d = Damage(Plain, $"cut-{clustersCut}");
        d.SetLength(d.Length - (clustersCut * d.ClusterSize) - 100);
        var report = AssertSameAsQemu(d.File);
        Assert.False(report.IsClean);
    }

    [Fact]
    public void A_file_cut_inside_its_metadata_gives_qemus_counts()
    {
        var d = Damage(Plain, "cut-meta");
        d.SetLength(4 * d.ClusterSize);
        AssertSameAsQemu(d.File);
    }

    [Fact]
    public void Reserved_bits_in_table_entries_are_corruptions_at_the_entries()
    {
        var d = Damage(Plain, "reserved");
        var (index, _) = d.FirstL2();
        d.WriteU64(d.L1EntryAt(index), d.L1[index] | 0x100);
        var (at, entry) = d.FirstDataEntry();
        d.WriteU64(at, entry | 0x2);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.L1Reserved, d.L1EntryAt(index));
        AssertFinding(report, Qcow2Codes.L2Reserved, at);
    }

    [Fact]
    public void A_cleared_copied_flag_is_a_corruption_at_its_entry()
    {
        var d = Damage(Plain, "copied");
        var (at, entry) = d.FirstDataEntry();
        d.WriteU64(at, entry & ~L2Entry.CopiedFlag);
        var (index, _) = d.FirstL2();
        d.WriteU64(d.L1EntryAt(index), d.L1[index] & ~L2Entry.CopiedFlag);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.CopiedData, at);
        AssertFinding(report, Qcow2Codes.CopiedL2, d.L1EntryAt(index));
    }

    [Fact]
    public void Refcount_table_damage_is_reported_at_the_table_entry()
    {
        var d = Damage(Plain, "reftable");
        var table = (long)d.Header.RefcountTableOffset;
        d.WriteU64(table + 8, (ulong)(d.Length + (1000 * d.ClusterSize)));
        d.WriteU64(table + 16, 0x1_0000 | 1);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.RefcountBlockOutside, table + 8);
        AssertFinding(report, Qcow2Codes.RefcountTableReserved, table + 16);
    }

    [Fact]
    public void An_unaligned_refcount_block_makes_its_refcounts_check_errors()
    {
        var d = Damage(Plain, "refblock-unaligned");
        var table = (long)d.Header.RefcountTableOffset;
        d.WriteU64(table, d.ReadU64(table) + 512);
        var report = AssertSameAsQemu(d.File);
        Assert.True(report.CheckErrors > 0);
        AssertFinding(report, Qcow2Codes.RefcountBlockUnaligned, table);
        AssertFinding(report, Qcow2Codes.RefcountUnreadable, table);
    }

    [Fact]
    public void A_shared_cluster_whose_refcount_drops_to_one_is_a_corruption()
    {
        var d = Damage(WithSnapshot, "shared");
        var entry = d.ReadU64(d.L2EntryAt(d.FirstL2().Offset, 5));
        var cluster = (long)(entry & L2TableCheck.OffsetMask) >> d.ClusterBits;
        Assert.Equal(2UL, d.Refcount(cluster).Value);
        d.SetRefcount(cluster, 1);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.RefcountTooLow, d.Refcount(cluster).At);
    }

    [Fact]
    public void A_snapshot_L1_table_off_a_cluster_boundary_is_not_walked()
    {
        var d = Damage(WithSnapshot, "snap-l1");
        var entry = (long)d.Header.SnapshotsOffset;
        d.WriteU64(entry, d.ReadU64(entry) + 512);
        var report = AssertSameAsQemu(d.File);
        AssertFinding(report, Qcow2Codes.SnapshotL1, entry);
        Assert.True(report.Leaks > 0);
    }

    [Fact]
    public void Too_many_snapshots_make_the_table_unreadable()
    {
        // qemu-img check stops at the unreadable table (exit 1, no counts); this check counts a
        // check error too and goes on without the snapshots, whose clusters then show as leaks.
        var d = Damage(WithSnapshot, "snap-count");
        d.WriteU32(Qcow2Header.Off.SnapshotCount, 70_000);
        var qemu = ExternalTool.Run(Img, ["check", "-f", "qcow2", d.File]);
        Assert.Equal(1, qemu.ExitCode);
        Assert.Contains("snapshot table too large", qemu.All, StringComparison.Ordinal);
        var report = Ours(d.File);
        Assert.Equal(1, report.CheckErrors);
        AssertFinding(report, Qcow2Codes.SnapshotTable, Qcow2Header.Off.SnapshotCount);
        Assert.Equal(0, report.SnapshotCount);
        Assert.True(report.Leaks > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    public void Refcounts_of_every_width_are_read_where_qemu_reads_them(int bits)
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, $"bits{bits}", "16M", ["-o", $"refcount_bits={bits}"], "write -P 0x11 0 256k", "write -P 0x12 8M 64k");
        var d = Qcow2Layout.Of(file);
        var (_, entry) = d.FirstDataEntry();
        var cluster = (long)(entry & L2TableCheck.OffsetMask) >> d.ClusterBits;
        d.SetRefcount(cluster, 0);
        var leaked = d.Length / d.ClusterSize;
        d.SetLength(d.Length + d.ClusterSize);
        d.SetRefcount(leaked, 1);
        var report = AssertSameAsQemu(file);
        Assert.Equal(1, report.Leaks);
        AssertFinding(report, Qcow2Codes.RefcountTooLow, d.Refcount(cluster).At);
    }

    [Fact]
    public void Impossible_subcluster_bitmaps_are_corruptions_at_the_bitmap()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "ext", "16M", ["-o", "extended_l2=on"], "write -P 0x11 0 64k", "write -P 0x12 8M 4k");
        var d = Qcow2Layout.Of(file);
        var (at, _) = d.FirstDataEntry();
        var bitmap = d.ReadU64(at + 8);
        d.WriteU64(at + 8, bitmap | ((bitmap & 0xFFFF_FFFF) << 32));
        var (_, l2) = d.FirstL2();
        var empty = d.L2EntryAt(l2, 40);
        Assert.Equal(0UL, d.ReadU64(empty));
        d.WriteU64(empty + 8, 1);
        var report = AssertSameAsQemu(file);
        AssertFinding(report, Qcow2Codes.SubclusterBitmap, at + 8);
        AssertFinding(report, Qcow2Codes.SubclusterBitmap, empty + 8);
    }

    [Fact]
    public void Compressed_cluster_damage_is_reported_at_the_descriptor()
    {
        var dir = Fixtures.NewTempDir();
        var file = Make(dir, "comp", "16M", [], "write -c -P 0x11 0 64k", "write -c -P 0x12 64k 64k", "write -P 0x13 8M 64k");
        var d = Qcow2Layout.Of(file);
        var (_, l2) = d.FirstL2();
        var first = d.L2EntryAt(l2, 0);
        var second = d.L2EntryAt(l2, 1);
        var entry = d.ReadU64(first);
        Assert.NotEqual(0UL, entry & L2Entry.CompressedFlag);

        // The host offset is the descriptor's low 62 - (cluster_bits - 8) bits.
        var offsetBits = 62 - (d.ClusterBits - 8);
        var offsetMask = (1UL << offsetBits) - 1;
        d.WriteU64(first, (entry & ~offsetMask) | (ulong)(d.Length + (10 * d.ClusterSize)));
        d.WriteU64(second, d.ReadU64(second) | L2Entry.CopiedFlag);
        var report = AssertSameAsQemu(file);
        AssertFinding(report, Qcow2Codes.BeyondEnd, first);
        AssertFinding(report, Qcow2Codes.CompressedCopied, second);
    }
}
