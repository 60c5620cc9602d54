using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// vhd repair on every vhd_damaged case: a, b, d and e come back with the original raw content
/// (and, since the layout is kept, the original bytes); c gets every orphaned block found and
/// reported, the one the batmap pins put back, the others saved beside the output, and every
/// block whose BAT entry survived reads back as in the original.
/// </summary>
public sealed class DamagedRepairTests
{
    internal sealed record Repaired(string Path, VhdRepairReport Report, FindingLog Log);

    internal static Repaired Repair(string name, string? dir = null)
    {
        dir ??= Fixtures.NewTempDir();
        var output = Path.Combine(dir, "repaired-" + name);
        var log = new FindingLog();
        VhdRepairReport report;
        using (var stream = OutputFile.Create(output, overwrite: false))
        {
            report = VhdRepairer.Repair(DamagedVhds.Source(name), stream, new VhdRepairOptions { OrphanPathPrefix = output }, log);
            stream.Commit();
        }

        return new Repaired(output, report, log);
    }

    internal static string VirtualSha256(string path)
    {
        var log = new FindingLog();
        using var resolver = LvhdParentFiles.Resolver(Path.GetDirectoryName(path)!);
        using var file = FileSource.Open(path);
        var chain = VhdChain.Open(file, path, resolver, log);
        Assert.True(chain.IsComplete, string.Join("\n", log));
        return VhdFiles.Sha256(chain.Disk);
    }

    [Theory]
    [InlineData("a-footer-c7.vhd")]
    [InlineData("b-header-checksum.vhd")]
    [InlineData("d-batmap-checksum.vhd")]
    [InlineData("e-backup-footer-zeroed.vhd")]
    public void Repaired_file_reads_back_with_the_original_raw_content(string name)
    {
        var expected = DamagedVhds.Case(name + ".gz");
        var r = Repair(name);
        Assert.True(r.Report.AllRecovered);
        Assert.NotEmpty(r.Report.Actions);
        Assert.NotEmpty(r.Report.Findings);
        Assert.Equal(expected.GetProperty("allocated_blocks").GetInt32(), r.Report.BlocksKept);
        Assert.Equal(expected.GetProperty("raw_sha256").GetString(), VirtualSha256(r.Path));

        // The layout is kept, so repairing the injected damage gives back the original bytes.
        Assert.True(File.ReadAllBytes(r.Path).AsSpan().SequenceEqual(DamagedVhds.Bytes(name.Replace(".vhd", ".orig.vhd", StringComparison.Ordinal))));

        using var repaired = FileSource.Open(r.Path);
        var check = VhdChecker.Check(repaired, new FindingLog(), new VhdCheckOptions { CheckBitmaps = true });
        Assert.True(check.IsClean, string.Join("\n", check.Findings));
    }

    [Fact]
    public void The_repair_names_what_it_changed()
    {
        var b = Repair("b-header-checksum.vhd").Report;
        var max = Assert.Single(b.Actions);
        Assert.Equal("max_table_entries", max.Field);
        Assert.Equal(("1048831", "1048576"), (max.Old, max.New));
        Assert.Equal(DamagedVhds.HeaderAt + 28, max.OffsetBytes);

        var d = Assert.Single(Repair("d-batmap-checksum.vhd").Report.Actions);
        Assert.Equal(("checksum", "0x00000008", "0xfffffff7"), (d.Field, d.Old, d.New));
        Assert.Equal(FooterCopy.Primary, Repair("e-backup-footer-zeroed.vhd").Report.FooterFrom);
        Assert.Equal(FooterCopy.CopyAtOffset0, Repair("a-footer-c7.vhd").Report.FooterFrom);
    }

    [Fact]
    public void Orphaned_blocks_are_all_found_the_pinned_one_is_put_back_and_the_rest_saved()
    {
        var expected = DamagedVhds.Case("c-bat-orphans.vhd.gz");
        var truth = expected.GetProperty("orphaned").EnumerateArray()
            .ToDictionary(o => o.GetProperty("bitmap_offset").GetInt64(), o => o.GetProperty("block").GetInt32());
        var r = Repair("c-bat-orphans.vhd");
        var report = r.Report;

        // Every orphan is found, with its offset, and the block it really is among its candidates.
        Assert.Equal(truth.Keys.Order(), report.Orphans.Select(o => o.BitmapOffsetBytes).Order());
        foreach (var o in report.Orphans)
        {
            Assert.Contains(truth[o.BitmapOffsetBytes], o.CandidateBlocks);
            Assert.Equal(o.CandidateBlocks.Count, o.CandidateCount);
            Assert.NotEmpty(o.Evidence);
        }

        // The batmap marks block 12 full and only one orphan is full: that one goes back, proved.
        // Blocks 11 and 13 go back by inference (their bitmaps continue into blocks 10, 12 and 12),
        // marked as such; block 4 has only a file neighbour for it and stays saved beside the output.
        Assert.All(report.Placed, o => Assert.Equal(truth[o.BitmapOffsetBytes], o.PlacedAsBlock));
        var proved = Assert.Single(report.Placed, o => !o.Inferred);
        Assert.Equal(12, proved.PlacedAsBlock);
        Assert.Equal([11, 13], report.InferredPlacements.Select(o => o.PlacedAsBlock!.Value).Order());
        Assert.Equal(4, truth[Assert.Single(report.Unplaced).BitmapOffsetBytes]);
        Assert.All(report.Unplaced, o => Assert.True(o.CandidateCount > 1));
        Assert.Empty(report.Lost);
        Assert.Empty(report.Partial);
        Assert.False(report.AllRecovered);
        Assert.Equal(9, report.BlocksKept);

        // Every block whose BAT entry survived, and the one put back, reads as in the original.
        var orig = DamagedVhds.Extract("c-bat-orphans.orig.vhd.gz");
        using var origFile = FileSource.Open(Path.Combine(orig, "c-bat-orphans.orig.vhd"));
        using var repairedFile = FileSource.Open(r.Path);
        var origDisk = new VhdVirtualDisk(VhdImage.Open(origFile, new FindingLog()), null);
        var repairedImage = VhdImage.Open(repairedFile, new FindingLog());
        var repairedDisk = new VhdVirtualDisk(repairedImage, null);
        var damaged = VhdImage.Open(DamagedVhds.Source("c-bat-orphans.vhd"), new FindingLog());
        var block = new byte[2 << 20];
        var want = new byte[2 << 20];
        for (var i = 0; i < damaged.Bat.Count; i++)
        {
            if (damaged.Bat[i] == VhdImage.Unallocated && report.Placed.All(o => o.PlacedAsBlock != i))
            {
                continue;
            }

            repairedDisk.ReadFullyAt((long)i * block.Length, block);
            origDisk.ReadFullyAt((long)i * want.Length, want);
            Assert.True(block.AsSpan().SequenceEqual(want), $"block {i} differs from the original");
        }

        // The others are saved beside the output, each the data of the block it really is.
        foreach (var o in report.Unplaced)
        {
            Assert.Equal($"{r.Path}.orphan-{o.BitmapOffsetBytes}.bin", o.SavedAs);
            origDisk.ReadFullyAt((long)truth[o.BitmapOffsetBytes] * want.Length, want);
            Assert.True(File.ReadAllBytes(o.SavedAs!).AsSpan().SequenceEqual(want), $"saved orphan at {o.BitmapOffsetBytes}");
        }

        // Nothing the repair could not place is guessed: the disk differs from the original only there.
        Assert.NotEqual(expected.GetProperty("raw_sha256_if_unrepaired").GetString(), VirtualSha256(r.Path));
        using var check = FileSource.Open(r.Path);
        Assert.True(VhdChecker.Check(check, new FindingLog()).IsClean);
    }

    [Fact]
    public void A_differencing_child_keeps_its_parent_link()
    {
        var dir = DamagedVhds.Extract("f-parent.vhd.gz");
        var r = Repair("f-child.vhd", dir);
        Assert.True(r.Report.AllRecovered);
        Assert.Empty(r.Report.Actions);
        Assert.Equal(DamagedVhds.Case("f-child.vhd.gz").GetProperty("raw_sha256").GetString(), VirtualSha256(r.Path));
    }

    [Fact]
    public void The_source_is_never_written()
    {
        var dir = DamagedVhds.Extract("c-bat-orphans.vhd.gz");
        var path = Path.Combine(dir, "c-bat-orphans.vhd");
        var before = File.ReadAllBytes(path);
        using (var source = FileSource.Open(path))
        using (var output = new MemoryStream())
        {
            VhdRepairer.Repair(source, output, new VhdRepairOptions(), new FindingLog());
            Assert.True(output.Length > 0);
        }

        Assert.True(before.AsSpan().SequenceEqual(File.ReadAllBytes(path)));
    }
}
