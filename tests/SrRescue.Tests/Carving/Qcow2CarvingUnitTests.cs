using System.Buffers.Binary;
using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;

namespace SrRescue.Tests.Carving;

/// <summary>
/// The pieces of QCOW2 carving on bytes built here: the table checks (one valid case, one case per
/// rule), sm's LV size rule, backing path parsing, the stand-in uuid, the start scanner's rules.
/// </summary>
public sealed class Qcow2CarvingUnitTests
{
    private const long C = 65536;

    /// <summary>An image whose clusters 0-4 are tables, 5-20 data with refcount 1, 21 shared (2), the rest free.</summary>
    private sealed class Known : IQcow2Knowledge
    {
        public int ClusterBits => 16;

        public bool ExtendedL2 => false;

        public int RefcountOrder => 4;

        public long BoundBytes => 1000 * C;

        public bool HasSnapshots => false;

        public bool RefcountsTrusted => true;

        public HashSet<long> Referenced { get; } = [];

        public int RefcountClass(long cluster) => cluster is >= 0 and <= 20 ? 1 : cluster == 21 ? 2 : 0;

        public bool IsTableCluster(long cluster) => cluster is >= 0 and <= 4;

        public bool IsReferenced(long cluster) => Referenced.Contains(cluster);
    }

    private static byte[] L2(params ulong[] entries)
    {
        var table = new byte[C];
        for (var i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(table.AsSpan(i * 8), entries[i]);
        }

        return table;
    }

    private static TableVerdict CheckL2(byte[] table, Known? k = null) => Qcow2TableCheck.Check(Qcow2TableKind.L2, table, k ?? new Known(), 4 * C, 0);

    [Fact]
    public void An_l2_table_of_clusters_in_use_is_clean_and_its_clusters_after_it_are_near()
    {
        var v = CheckL2(L2(L2Entry.CopiedFlag | (5 * C), L2Entry.CopiedFlag | (6 * C), 0, 7 * C, L2Entry.ZeroFlag));
        Assert.Equal((3, 0, 3), (v.Valid, v.Invalid, v.Near));
        Assert.True(v.IsClean);
    }

    [Theory]
    [InlineData(0x0100_0000_0005_0000UL, "reserved bits")]
    [InlineData(0x8000_0000_0005_8000UL, "cluster boundary")]
    [InlineData(0x8000_0000_0400_0000UL, "past the PV")]
    [InlineData(0x8000_0000_0002_0000UL, "tables")]
    [InlineData(0x8000_0000_0030_0000UL, "free cluster")]
    [InlineData(0x8000_0000_0015_0000UL, "shared")]
    [InlineData(0xC000_0000_0005_0000UL, "compressed and flagged")]
    [InlineData(0x8000_0000_0000_0000UL, "no host cluster")]
    public void An_l2_entry_that_cannot_be_right_counts_against_the_table(ulong entry, string why)
    {
        var v = CheckL2(L2(5 * C, entry));
        Assert.Equal((1, 1), (v.Valid, v.Invalid));
        Assert.Contains(why, v.Problem, StringComparison.Ordinal);
        Assert.False(v.IsClean || v.IsDamaged || v.IsAcceptable);
    }

    [Fact]
    public void A_cluster_referenced_twice_or_before_is_wrong()
    {
        Assert.Equal(1, CheckL2(L2(5 * C, 5 * C)).Invalid);
        var k = new Known();
        k.Referenced.Add(6);
        Assert.Equal(1, CheckL2(L2(5 * C, 6 * C), k).Invalid);
    }

    [Fact]
    public void Zero_clusters_without_a_host_cluster_prove_nothing()
    {
        var v = CheckL2(L2(L2Entry.ZeroFlag, L2Entry.ZeroFlag, L2Entry.ZeroFlag));
        Assert.True(v.IsEmpty && v.IsAcceptable && !v.IsClean);
    }

    [Fact]
    public void A_few_bad_entries_among_many_good_ones_are_damage_not_another_table()
    {
        var entries = Enumerable.Range(5, 16).Select(c => (ulong)(c * C)).Append(0x0100_0000_0000_0000UL).ToArray();
        var v = CheckL2(L2(entries));
        Assert.Equal((16, 1), (v.Valid, v.Invalid));
        Assert.True(v.IsDamaged && v.IsAcceptable && v.Score < v.Valid + v.Near);
        Assert.False(CheckL2(L2(5 * C, 6 * C, 0x0100_0000_0000_0000UL)).IsDamaged);
    }

    [Fact]
    public void Random_bytes_are_no_table_of_any_kind()
    {
        var noise = new byte[C];
        new Random(3).NextBytes(noise);
        var generic = new GenericQcow2Knowledge(16, false, 4, 1L << 40);
        foreach (var kind in Enum.GetValues<Qcow2TableKind>())
        {
            var v = Qcow2TableCheck.Check(kind, noise, generic, -1, -1);
            Assert.False(v.IsAcceptable, kind.ToString());
        }
    }

    [Fact]
    public void A_refcount_block_must_count_every_cluster_known_in_use_and_only_plausible_counts()
    {
        var block = new byte[C];
        for (var c = 0; c <= 20; c++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(c * 2), 1);
        }

        var k = new Known();
        k.Referenced.Add(5);
        var clean = Qcow2TableCheck.Check(Qcow2TableKind.RefcountBlock, block, k, 2 * C, 0);
        Assert.Equal((21, 0), (clean.Valid, clean.Invalid));

        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(5 * 2), 0);
        Assert.Contains("is 0 for a cluster the image uses", Qcow2TableCheck.Check(Qcow2TableKind.RefcountBlock, block, k, 2 * C, 0).Problem, StringComparison.Ordinal);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(5 * 2), 0x6162);
        Assert.Contains("not a count", Qcow2TableCheck.Check(Qcow2TableKind.RefcountBlock, block, k, 2 * C, 0).Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16L << 20, 5)]
    [InlineData(32L << 20, 9)]
    [InlineData(1280L << 20, 321)]
    [InlineData(2L << 30, 513)]
    public void Sms_size_rule_gives_the_lv_sizes_sm_makes(long virtualSize, long extents)
    {
        // 16 and 32 MiB: the lv sizes of the qcow2_sr fixture (lvs); 1280 MiB: CarveQcow2Tests' LVs.
        var start = StartOf(Header(virtualSize));
        Assert.Equal(extents, start.SizeRuleExtents(4L << 20));
    }

    [Theory]
    [InlineData("/dev/VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13/QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f", "QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f")]
    [InlineData("/dev/mapper/VG_XenStorage--5e1c0a72--9d4b--4f6e--8a31--2b7c6d0e9f13-QCOW2--b2e1d4c3--5a6f--4d7e--8f90--1a2b3c4d5e6f", "QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f")]
    [InlineData("/dev/VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13/LV-0716c9b8-afb4-42c3-de45-6f708192a3b4", "LV-0716c9b8-afb4-42c3-de45-6f708192a3b4")]
    [InlineData("base.qcow2", null)]
    [InlineData("/dev/VG/QCOW2-not-a-uuid", null)]
    public void A_backing_path_names_an_lv_and_its_vdi_uuid(string path, string? lv)
    {
        var (name, uuid) = Qcow2ChainLinker.BackingLv(path);
        Assert.Equal(lv, name);
        Assert.Equal(lv?[(lv.IndexOf('-', StringComparison.Ordinal) + 1)..], uuid);
    }

    [Fact]
    public void The_stand_in_uuid_is_stable_and_says_it_is_made_up()
    {
        var a = StartOf(Header(1L << 30));
        var uuid = Qcow2ChainLinker.DerivedUuid(a);
        Assert.Equal(uuid, Qcow2ChainLinker.DerivedUuid(a));
        Assert.Equal('8', uuid[14]);
        Assert.NotEqual(uuid, Qcow2ChainLinker.DerivedUuid(a with { OffsetBytes = a.OffsetBytes + (4L << 20) }));
    }

    [Theory]
    [InlineData(Qcow2Header.Off.Version, 4u, "version")]
    [InlineData(Qcow2Header.Off.ClusterBits, 22u, "cluster_bits")]
    [InlineData(Qcow2Header.Off.L1Size, 0u, "L1 table has 0")]
    [InlineData(Qcow2Header.Off.RefcountTableClusters, 0u, "refcount table has 0")]
    public void A_magic_without_a_plausible_header_is_no_start(int field, uint value, string why)
    {
        var pv = new byte[64L << 20];
        Header(1L << 30).CopyTo(pv, 11L << 20);
        var grid = ExtentGrid.Default(pv.Length);
        var source = new MemorySource(pv, "pv");
        Assert.NotNull(Qcow2StartScanner.TryRead(source, grid, 0, out _));
        BinaryPrimitives.WriteUInt32BigEndian(pv.AsSpan((int)(11L << 20) + field), value);
        Assert.Null(Qcow2StartScanner.TryRead(source, grid, 0, out var reason));
        Assert.Contains(why, reason, StringComparison.Ordinal);
        var log = new FindingLog();
        Assert.Empty(Carver.FindStarts(source, grid, new HashSet<long>(), log, null).Qcow2);
        Assert.Contains(log, f => f.Code == "carve.qcow2.start-damaged");
    }

    /// <summary>What qemu-img create writes: version 3, 64 KiB clusters, refcount table at cluster 1, L1 at 3.</summary>
    private static byte[] Header(long virtualSize)
    {
        var h = new byte[C];
        BinaryPrimitives.WriteUInt32BigEndian(h, Qcow2Header.Magic);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(Qcow2Header.Off.Version), 3);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(Qcow2Header.Off.ClusterBits), 16);
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(Qcow2Header.Off.Size), (ulong)virtualSize);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(Qcow2Header.Off.L1Size), (uint)((virtualSize + (512L << 20) - 1) / (512L << 20)));
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(Qcow2Header.Off.L1TableOffset), 3 * C);
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(Qcow2Header.Off.RefcountTableOffset), C);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(Qcow2Header.Off.RefcountTableClusters), 1);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(Qcow2Header.Off.RefcountOrder), 4);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(Qcow2Header.Off.HeaderLength), 112);
        return h;
    }

    private static Qcow2Start StartOf(byte[] header)
    {
        Assert.True(Qcow2Header.TryRead(header, 0, new FindingLog(), "t", out var h));
        return new Qcow2Start(0, 0, h, [], null);
    }
}
