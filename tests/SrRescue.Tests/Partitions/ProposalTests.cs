using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Partitions;
using SrRescue.Recovery;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Partitions;

/// <summary>Proposals: a minimal GPT on a 4096-byte-sector disk that sgdisk accepts; an MBR disk whose PV is in a partition is left alone.</summary>
public sealed class ProposalTests
{
    [Fact]
    public void Minimal_gpt_in_4096_byte_sectors_is_clean_for_sgdisk()
    {
        // The PV label of gpt_local_sr (sector 1 of its PV) placed at byte 1 MiB + 512 of a blank 64 MiB disk.
        var fixture = Fixtures.Image("gpt_local_sr");
        var pvStart = Fixtures.Expected("gpt_local_sr").GetProperty("pv_offsets").GetProperty("disk.img").GetInt64();
        var image = PartitionTools.NewImage(64L << 20);
        using (var src = File.OpenRead(fixture))
        using (var dst = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            var label = new byte[2048];
            src.Position = pvStart;
            src.ReadExactly(label);
            dst.Position = 1 << 20;
            dst.Write(label);
        }

        var log = new FindingLog();
        PartitionInspection report;
        using (var disk = FileSource.Open(image))
        {
            report = PartitionInspection.Inspect(disk, log, fullSearch: true, sectorSize: 4096);
        }

        var p = report.Proposal;
        Assert.Equal("gpt-minimal", p.Kind);
        var entry = Assert.Single(p.Entries);
        Assert.Equal(256ul, entry.FirstLba);
        Assert.Equal(p.LastUsableLba, entry.LastLba);
        Assert.Contains(log, f => f.Code == "partitions.proposal.clamped");
        Assert.Equal(6ul, p.FirstUsableLba);

        using (var f = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            foreach (var patch in p.Patches)
            {
                f.Position = patch.OffsetBytes;
                f.Write(patch.Bytes);
            }
        }

        var again = new FindingLog();
        using (var disk = FileSource.Open(image))
        {
            var d = DiskPartitions.Read(disk, again);
            Assert.Equal(4096, d.SectorSize);
            Assert.True(d.Gpt!.Primary!.IsValid && d.Gpt.Backup!.IsValid);
        }

        var loop = ExternalTool.RunChecked(ExternalTool.Require("losetup", "mount"), "-f", "--show", "-r", "--sector-size", "4096", image).StdOut.Trim();
        try
        {
            Assert.Contains("No problems found", PartitionTools.Sgdisk("-v", loop), StringComparison.Ordinal);
            var (rows, guid, ss) = PartitionTools.SgdiskPrint(loop);
            Assert.Equal(4096, ss);
            Assert.Equal(p.DiskGuid, guid);
            Assert.Equal((3, 256L, (long)p.LastUsableLba), (rows[0].Number, rows[0].First, rows[0].Last));
        }
        finally
        {
            ExternalTool.Run("losetup", ["-d", loop]);
        }
    }

    [Fact]
    public void Pv_in_a_logical_mbr_partition_is_found_without_a_search_and_the_table_is_left_alone()
    {
        var fixture = Fixtures.Image("gpt_local_sr");
        var pvStart = Fixtures.Expected("gpt_local_sr").GetProperty("pv_offsets").GetProperty("disk.img").GetInt64();
        var image = PartitionTools.NewImage(64L << 20);
        PartitionTools.Sfdisk(image, "label: dos\nstart=2048, size=8192, type=83\nstart=10240, size=100000, type=5\nstart=12288, size=40960, type=8e\n");
        using (var src = File.OpenRead(fixture))
        using (var dst = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            var label = new byte[2048];
            src.Position = pvStart;
            src.ReadExactly(label);
            dst.Position = 12288L * 512;
            dst.Write(label);
        }

        var json = Support.Cli.Json("partitions", image);
        Assert.Equal("mbr", json.GetProperty("kind").GetString());
        var pv = Assert.Single(json.GetProperty("pvs").EnumerateArray());
        Assert.Equal(12288L * 512, pv.GetProperty("pv_offset").GetInt64());
        Assert.Equal(5, pv.GetProperty("partition").GetInt32());
        Assert.Equal("intact", json.GetProperty("proposed").GetProperty("kind").GetString());
        Assert.False(json.GetProperty("proposed").GetProperty("changes").GetBoolean());
    }
}
