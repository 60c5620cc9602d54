using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Partitions;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Partitions;

/// <summary>Tables made by sgdisk and sfdisk are read exactly as those tools report them.</summary>
public sealed class RealToolTableTests
{
    public static TheoryData<string> GptLayouts => new()
    {
        "-n 1:2048:+16M -t 1:8300 -c 1:root -n 2:0:+8M -t 2:8E00 -c 2:localsr",
        "-a 1 -n 1:34:2047 -t 1:EF02 -c 1:bios -n 2:2048:+1M -t 2:EF00 -c 2:efi -n 3:0:+30M -t 3:8E00 -n 5:0:0 -t 5:8200 -c 5:swäp",
        "-a 1 -n 4:100:200 -t 4:0700 -c 4:a-name-of-thirty-six-characters-long -n 7:201:50000 -u 7:11111111-2222-3333-4444-555555555555",
    };

    [Theory]
    [MemberData(nameof(GptLayouts))]
    public void Gpt_made_by_sgdisk_reads_as_sgdisk_and_sfdisk_report_it(string layout)
    {
        var image = PartitionTools.NewImage(64L << 20);
        PartitionTools.Sgdisk([.. layout.Split(' '), image]);
        AssertGptMatchesTools(image, image, 512);
    }

    [Fact]
    public void Gpt_with_4096_byte_sectors_made_on_a_loop_device()
    {
        var image = PartitionTools.NewImage(64L << 20);
        var loop = ExternalTool.RunChecked(ExternalTool.Require("losetup", "mount"), "-f", "--show", "--sector-size", "4096", image).StdOut.Trim();
        try
        {
            PartitionTools.Sgdisk("-n", "1:256:+8M", "-t", "1:8300", "-c", "1:root", "-n", "2:0:0", "-t", "2:8E00", "-c", "2:localsr", loop);
            AssertGptMatchesTools(image, loop, 4096);
        }
        finally
        {
            ExternalTool.Run("losetup", ["-d", loop]);
        }
    }

    [Fact]
    public void Hybrid_mbr_made_by_sgdisk_is_noted()
    {
        var image = PartitionTools.NewImage(64L << 20);
        PartitionTools.Sgdisk("-n", "1:2048:+8M", "-t", "1:0700", "-n", "2:0:+8M", image);
        PartitionTools.Sgdisk("-h", "1", image);
        var log = new FindingLog();
        using var disk = FileSource.Open(image);
        var d = DiskPartitions.Read(disk, log);
        Assert.True(d.Mbr!.IsHybrid);
        Assert.Contains(log, f => f.Code == "partitions.mbr.hybrid");
        Assert.Equal("gpt", d.Kind);
        Assert.Equal(2, d.Gpt!.Partitions.Count);
    }

    public static TheoryData<string> MbrLayouts => new()
    {
        "label: dos\nstart=2048, size=20480, type=83, bootable\nstart=22528, size=40960, type=8e\n",
        "label: dos\nstart=2048, size=20480, type=83\nstart=22528, size=40960, type=5\nstart=24576, size=8192, type=8e\nstart=34816, size=8192, type=82\nstart=45056, size=4096, type=83\nstart=63488, size=10240, type=7\n",
        "label: dos\nstart=2048, size=8192, type=c\nstart=10240, size=100000, type=f\nstart=12288, size=2048, type=83\nstart=16384, size=2048, type=83\nstart=20480, size=2048, type=83\nstart=24576, size=2048, type=83\nstart=28672, size=2048, type=8e\n",
    };

    [Theory]
    [MemberData(nameof(MbrLayouts))]
    public void Mbr_made_by_sfdisk_reads_as_sfdisk_reports_it(string script)
    {
        var image = PartitionTools.NewImage(64L << 20);
        PartitionTools.Sfdisk(image, script);
        var table = PartitionTools.SfdiskJson(image);
        var log = new FindingLog();
        using var disk = FileSource.Open(image);
        var d = DiskPartitions.Read(disk, log);
        Assert.Equal("mbr", d.Kind);
        Assert.Equal(Convert.ToUInt32(table.GetProperty("id").GetString()!, 16), d.Mbr!.DiskSignature);
        var expected = table.GetProperty("partitions").EnumerateArray().OrderBy(p => PartitionTools.NodeNumber(p.GetProperty("node").GetString()!)).ToList();
        Assert.Equal(expected.Count, d.Mbr.Partitions.Count);
        foreach (var (e, p) in expected.Zip(d.Mbr.Partitions.OrderBy(p => p.Number)))
        {
            Assert.Equal(PartitionTools.NodeNumber(e.GetProperty("node").GetString()!), p.Number);
            Assert.Equal(e.GetProperty("start").GetInt64(), p.StartLba);
            Assert.Equal(e.GetProperty("size").GetInt64(), p.SectorCount);
            Assert.Equal(Convert.ToByte(e.GetProperty("type").GetString()!, 16), p.Type);
            Assert.Equal(e.TryGetProperty("bootable", out var b) && b.GetBoolean(), p.Bootable);
        }

        Assert.DoesNotContain(log, f => f.Severity != Severity.Info && f.Code != "partitions.none");
    }

    private static void AssertGptMatchesTools(string image, string device, int sectorSize)
    {
        var (rows, diskGuid, ss) = PartitionTools.SgdiskPrint(device);
        var sf = PartitionTools.SfdiskJson(device);
        Assert.Equal(sectorSize, ss);
        var log = new FindingLog();
        using var disk = FileSource.Open(image);
        var d = DiskPartitions.Read(disk, log);
        Assert.Equal(sectorSize, d.SectorSize);
        Assert.Equal("gpt", d.Kind);
        Assert.True(d.Gpt!.Primary!.IsValid && d.Gpt.Backup!.IsValid);
        Assert.True(d.Mbr!.IsProtective);
        Assert.DoesNotContain(log, f => f.Severity != Severity.Info);
        Assert.Equal(diskGuid, d.Gpt.Used!.Header.DiskGuid);
        Assert.Equal(Guid.Parse(sf.GetProperty("id").GetString()!), d.Gpt.Used.Header.DiskGuid);
        Assert.Equal(sf.GetProperty("firstlba").GetInt64(), (long)d.Gpt.Used.Header.FirstUsableLba);
        Assert.Equal(sf.GetProperty("lastlba").GetInt64(), (long)d.Gpt.Used.Header.LastUsableLba);
        var ours = d.Gpt.Partitions;
        Assert.Equal(rows.Count, ours.Count);
        var sfParts = sf.GetProperty("partitions").EnumerateArray().ToDictionary(p => PartitionTools.NodeNumber(p.GetProperty("node").GetString()!));
        foreach (var (row, e) in rows.Zip(ours.OrderBy(e => e.Number)))
        {
            Assert.Equal(row.Number, e.Number);
            Assert.Equal(row.First, (long)e.FirstLba);
            Assert.Equal(row.Last, (long)e.LastLba);
            // sgdisk -p shortens long names to "...", sfdisk's JSON has them whole.
            Assert.StartsWith(row.Name.EndsWith("...", StringComparison.Ordinal) ? row.Name[..^3] : row.Name, e.Name, StringComparison.Ordinal);
            var s = sfParts[e.Number];
            Assert.Equal(Guid.Parse(s.GetProperty("type").GetString()!), e.TypeGuid);
            Assert.Equal(Guid.Parse(s.GetProperty("uuid").GetString()!), e.UniqueGuid);
            Assert.Equal(s.TryGetProperty("name", out var n) ? n.GetString() : "", e.Name);
        }
    }
}
