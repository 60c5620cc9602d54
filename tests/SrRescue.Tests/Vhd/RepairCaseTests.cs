using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;
using SrRescue.Xen;
using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// The repairer on damage the fixtures do not carry: truncated files, bad entries, a lost header
/// cookie, both footers bad, orphans placed by allocation order in a qemu image (packed grid) and
/// by the batmap; each compared block by block with the undamaged image.
/// </summary>
public sealed class RepairCaseTests
{
    private const int Block = 2 << 20;
    private const uint Block14 = 33079;

    private static (VhdRepairReport Report, byte[] Output) Repair(IByteSource source, FindingLog? log = null)
    {
        using var output = new MemoryStream();
        var report = VhdRepairer.Repair(source, output, new VhdRepairOptions(), log ?? new FindingLog());
        return (report, output.ToArray());
    }

    /// <summary>The virtual disk of a VHD held in memory (no parent).</summary>
    private static VhdVirtualDisk Disk(IByteSource vhd) => new(VhdImage.Open(vhd, new FindingLog()), null);

    private static byte[] ReadBlock(IByteSource disk, int block)
    {
        var b = new byte[Block];
        disk.ReadFullyAt((long)block * Block, b);
        return b;
    }

    private static void SameBlocks(IByteSource expected, IByteSource actual, IEnumerable<int> blocks)
    {
        foreach (var i in blocks)
        {
            Assert.True(ReadBlock(expected, i).AsSpan().SequenceEqual(ReadBlock(actual, i)), $"block {i} differs");
        }
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(5000)]
    public void A_file_cut_inside_its_last_block_keeps_that_block_as_far_as_it_goes(int dataBytesLeft)
    {
        var cut = ((Block14 + 1L) * 512) + dataBytesLeft;
        var (report, output) = Repair(new DamagedVhds.Mutated(Dynamic, cut));
        var partial = Assert.Single(report.Partial);
        Assert.Equal((14, (long)Block14 * 512, (long)dataBytesLeft), (partial.Block, partial.BitmapOffsetBytes, partial.PresentBytes));
        Assert.False(report.AllRecovered);
        Assert.Equal(Length(Dynamic), output.Length);

        var good = Disk(DamagedVhds.Source(Dynamic));
        var repaired = Disk(new MemorySource(output));
        SameBlocks(good, repaired, Enumerable.Range(0, 20).Where(i => i != 14));
        var want = ReadBlock(good, 14);
        want.AsSpan(dataBytesLeft / 512 * 512 + (dataBytesLeft % 512 == 0 ? 0 : 512)).Clear();
        var got = ReadBlock(repaired, 14);
        Assert.True(want.AsSpan(0, dataBytesLeft).SequenceEqual(got.AsSpan(0, dataBytesLeft)));
        Assert.False(got.AsSpan(dataBytesLeft).ContainsAnyExcept((byte)0));
        Assert.True(VhdChecker.Check(new MemorySource(output), new FindingLog()).IsClean);
    }

    [Fact]
    public void A_block_whose_bitmap_is_cut_off_is_lost_and_reported()
    {
        var (report, output) = Repair(new DamagedVhds.Mutated(Dynamic, (Block14 * 512L) + 100));
        var lost = Assert.Single(report.Lost);
        Assert.Equal(14, lost.Block);
        Assert.Contains("past the end", lost.Reason, StringComparison.Ordinal);
        SameBlocks(Disk(DamagedVhds.Source(Dynamic)), Disk(new MemorySource(output)), Enumerable.Range(0, 14));
    }

    [Fact]
    public void Of_two_overlapping_entries_the_one_off_the_allocation_grid_goes()
    {
        var (report, output) = Repair(Good().U32(DamagedVhds.BatAt, 8455 + 1));
        Assert.Equal(0, Assert.Single(report.Lost).Block);
        var good = Disk(DamagedVhds.Source(Dynamic));
        SameBlocks(good, Disk(new MemorySource(output)), Enumerable.Range(0, 20));
    }

    [Fact]
    public void A_lost_header_cookie_and_footers_bad_in_both_copies_come_back_as_the_original()
    {
        var len = Length(Dynamic);
        var damaged = Good().Set(DamagedVhds.HeaderAt, "\0\0\0\0\0\0\0\0"u8);
        damaged[300] = 1;
        damaged[len - 512 + 300] = 1;
        var (report, output) = Repair(damaged);
        Assert.True(report.AllRecovered);
        Assert.Contains(report.Actions, a => a.Field == "cookie");
        Assert.Contains(report.Actions, a => a.Field == "reserved bytes");
        Assert.True(output.AsSpan().SequenceEqual(DamagedVhds.Bytes(Dynamic)));
    }

    [Fact]
    public void A_footer_data_offset_pointing_nowhere_is_set_to_the_header()
    {
        var damaged = Good().BothFooters(16, [0, 0, 1, 0, 0, 0, 0, 0]);
        var (report, output) = Repair(damaged);
        Assert.Contains(report.Actions, a => a.Field == "data offset" && a.New == "512");
        Assert.True(output.AsSpan().SequenceEqual(DamagedVhds.Bytes(Dynamic)));
    }

    [Fact]
    public void The_full_block_the_batmap_pins_is_put_back_and_a_partial_one_is_not()
    {
        // Block 4 (sector 12559) is the full one, block 14 (the last in the file) is not.
        var damaged = Good().U32(DamagedVhds.BatAt + 16, 0xFFFFFFFF).U32(DamagedVhds.BatAt + 56, 0xFFFFFFFF);
        var (report, output) = Repair(damaged);
        Assert.Equal(2, report.Orphans.Count);
        var placed = Assert.Single(report.Placed);
        Assert.Equal((4, 12559L * 512), (placed.PlacedAsBlock!.Value, placed.BitmapOffsetBytes));
        var last = Assert.Single(report.Unplaced);
        Assert.Equal(Block14 * 512L, last.BitmapOffsetBytes);
        Assert.Contains(14, last.CandidateBlocks);
        Assert.DoesNotContain(4, last.CandidateBlocks);
        SameBlocks(Disk(DamagedVhds.Source(Dynamic)), Disk(new MemorySource(output)), [3, 4, 5, 6, 10, 11]);
    }

    [Fact]
    public void In_an_image_written_in_block_order_lost_entries_are_placed_by_allocation_order()
    {
        // qemu packs blocks one after the other (no 4 KiB grid), in the order they are written.
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var qemuIo = ExternalTool.Require("qemu-io", "qemu-utils");
        var path = Path.Combine(Fixtures.NewTempDir(), "ordered.vhd");
        ExternalTool.RunChecked(qemu, "create", "-f", "vpc", path, "40M");
        var writes = new List<string> { "-f", "vpc" };
        for (var b = 0; b < 12; b++)
        {
            writes.AddRange(["-c", $"write -P 0x{0x30 + b:x2} {b * 2}M 64k"]);
        }

        ExternalTool.RunChecked(qemuIo, [.. writes, path]);
        var good = File.ReadAllBytes(path);
        var damaged = (byte[])good.Clone();
        var bat = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(good.AsSpan(512 + 16));
        foreach (var lostEntry in new[] { 4, 7, 8 })
        {
            damaged.AsSpan(bat + (4 * lostEntry), 4).Fill(0xFF);
        }

        var (report, output) = Repair(new MemorySource(damaged, path));
        Assert.Equal([4, 7, 8], report.Placed.Select(o => o.PlacedAsBlock!.Value).Order());
        Assert.All(report.Placed, o => Assert.Contains("block order", o.Evidence, StringComparison.Ordinal));
        Assert.True(report.AllRecovered);
        SameBlocks(Disk(new MemorySource(good)), Disk(new MemorySource(output)), Enumerable.Range(0, 20));
    }

    [Theory]
    [InlineData(4195840)]
    [InlineData(1536 + 20)]
    public void A_file_cut_inside_its_metadata_loses_every_block_and_says_so(long length)
    {
        var (report, output) = Repair(new DamagedVhds.Mutated(Dynamic, length));
        Assert.Equal(length > 1536 + 80 ? 7 : 2, report.Lost.Count);
        Assert.False(report.AllRecovered);
        var check = VhdChecker.Check(new MemorySource(output), new FindingLog());
        Assert.True(check.IsClean, string.Join("\n", check.Findings));
        Assert.Equal(0, check.AllocatedBlocks);
    }

    [Fact]
    public void Stale_data_in_the_unused_end_of_an_lv_is_not_taken_for_blocks()
    {
        // An LV is larger than its VHD's data; the extents after it may hold anything.
        var good = DamagedVhds.Bytes(Dynamic);
        var slack = new byte[8 << 20];
        new Random(3).NextBytes(slack);
        var lv = new byte[good.Length + slack.Length];
        good.AsSpan(0, good.Length - 512).CopyTo(lv);
        slack.CopyTo(lv, good.Length - 512);
        good.AsSpan(good.Length - 512).CopyTo(lv.AsSpan(lv.Length - 512));
        using var output = new MemoryStream();
        var report = VhdRepairer.Repair(new MemorySource(lv, "lv"), output, new VhdRepairOptions { Footers = LvhdFooters.OnLv }, new FindingLog());
        Assert.Empty(report.Orphans);
        Assert.True(report.AllRecovered);
        Assert.Equal(lv.Length, output.Length);
        SameBlocks(Disk(DamagedVhds.Source(Dynamic)), Disk(new MemorySource(output.ToArray())), Enumerable.Range(0, 20));
    }

    [Fact]
    public void A_source_without_any_footer_cannot_be_repaired()
    {
        var random = new byte[3 << 20];
        new Random(7).NextBytes(random);
        var e = Assert.Throws<CorruptDataException>(() => Repair(new MemorySource(random)));
        Assert.Equal("vhd.no-footer", e.Finding.Code);
    }
}
