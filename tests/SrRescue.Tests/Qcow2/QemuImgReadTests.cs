using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// Issue 12: images made by the real qemu-img in every layout it writes (versions 2 and 3, cluster
/// sizes 512 bytes to 2 MiB, extended L2, metadata preallocation, compressed clusters (deflate and zstd), backing
/// chains with zeroed and discarded clusters) read back to exactly the bytes qemu-img convert -O raw
/// gives, with no error finding.
/// </summary>
public sealed class QemuImgReadTests
{
    public static TheoryData<string, string[]> Layouts() => new()
    {
        { "v3-64k", ["-o", "cluster_size=65536"] },
        { "v2", ["-o", "compat=0.10"] },
        { "cluster-512", ["-o", "cluster_size=512"] },
        { "cluster-2m", ["-o", "cluster_size=2M"] },
        { "extended-l2", ["-o", "extended_l2=on,cluster_size=128k"] },
        { "prealloc-metadata", ["-o", "preallocation=metadata"] },
        { "deflate-compressed", ["-c"] },
        { "deflate-compressed-4k", ["-c", "-o", "cluster_size=4096"] },
        { "refcount-bits-1", ["-o", "refcount_bits=1"] },
        { "zstd-compressed", ["-c", "-o", "compression_type=zstd"] },
        { "zstd-compressed-2m", ["-c", "-o", "compression_type=zstd,cluster_size=2M"] },
        { "zstd-compressed-extended-l2", ["-c", "-o", "compression_type=zstd,extended_l2=on"] },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Converted_images_read_as_qemu_reads_them(string name, string[] options)
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 20 * Mi);
        var qcow2 = Path.Combine(dir, name + ".qcow2");
        ExternalTool.RunChecked(Img, ["convert", "-q", "-f", "raw", "-O", "qcow2", .. options, raw, qcow2]);
        var (ours, chain, log) = OurRead(qcow2);
        Assert.DoesNotContain(log, f => f.Severity == Severity.Error);
        Assert.Equal(20 * Mi, chain.Disk.Length);
        Assert.Equal(Sha256File(ToRaw(qcow2)), ours);
        Assert.Equal(Sha256File(raw), ours);
    }

    [Fact]
    public void A_chain_of_three_reads_through_every_backing_file()
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 16 * Mi);
        var bottom = Path.Combine(dir, "bottom.qcow2");
        var middle = Path.Combine(dir, "middle.qcow2");
        var top = Path.Combine(dir, "top.qcow2");
        ExternalTool.RunChecked(Img, "convert", "-q", "-f", "raw", "-O", "qcow2", raw, bottom);
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-b", "bottom.qcow2", "-F", "qcow2", middle);
        IoCommands(middle, "write -P 0x5a 1M 192k", "write -z 0 64k", "discard 3M 128k", "write -P 0x11 15M 1M");
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-o", "extended_l2=on", "-b", middle, "-F", "qcow2", top);
        IoCommands(top, "write -P 0xc3 4k 4k", "write -P 0x3c 1M 2k", "write -z 12M 8k", "write -P 0x77 16380k 4k");
        var (ours, chain, log) = OurRead(top);
        Assert.DoesNotContain(log, f => f.Severity == Severity.Error);
        Assert.Equal(3, chain.Members.Count);
        Assert.True(chain.IsComplete);
        Assert.Equal(Sha256File(ToRaw(top)), ours);
    }

    [Fact]
    public void A_raw_backing_file_is_read_below_the_image()
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 16 * Mi);
        var top = Path.Combine(dir, "top.qcow2");
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-b", "guest.raw", "-F", "raw", top, "20M");
        IoCommands(top, "write -P 0x42 2M 64k", "write -P 0x43 9M 64k");
        var (ours, chain, log) = OurRead(top);
        Assert.DoesNotContain(log, f => f.Severity == Severity.Error);
        Assert.NotNull(chain.LowerDisk);
        Assert.Equal(Sha256File(ToRaw(top)), ours);
    }

    [Fact]
    public void A_missing_backing_file_is_an_error_naming_it()
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 16 * Mi);
        var bottom = Path.Combine(dir, "bottom.qcow2");
        var top = Path.Combine(dir, "top.qcow2");
        ExternalTool.RunChecked(Img, "convert", "-q", "-f", "raw", "-O", "qcow2", raw, bottom);
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-b", "bottom.qcow2", "-F", "qcow2", top);
        File.Delete(bottom);
        var (_, chain, log) = OurRead(top);
        Assert.False(chain.IsComplete);
        Assert.Equal("bottom.qcow2", chain.MissingBacking);
        var f = Assert.Single(log, f => f.Code == Qcow2Codes.ChainBackingMissing);
        Assert.Equal(Qcow2Header.Off.BackingFileOffset, f.Offset);
    }

    [Fact]
    public void Backing_files_that_name_each_other_are_cut_as_a_loop()
    {
        var dir = Fixtures.NewTempDir();
        var a = Path.Combine(dir, "a.qcow2");
        var b = Path.Combine(dir, "b.qcow2");
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", a, "4M");
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-b", "a.qcow2", "-F", "qcow2", b);
        ExternalTool.RunChecked(Img, "rebase", "-u", "-f", "qcow2", "-b", "b.qcow2", "-F", "qcow2", a);
        var (_, chain, log) = OurRead(b);
        Assert.Contains(log, f => f.Code == Qcow2Codes.ChainLoop);
        Assert.Equal(2, chain.Members.Count);
    }

    [Fact]
    public void Holes_we_report_read_as_zeros_and_cover_no_data_qemu_maps()
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 20 * Mi);
        var bottom = Path.Combine(dir, "bottom.qcow2");
        var top = Path.Combine(dir, "top.qcow2");
        ExternalTool.RunChecked(Img, "convert", "-q", "-f", "raw", "-O", "qcow2", raw, bottom);
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-b", "bottom.qcow2", "-F", "qcow2", top);
        IoCommands(top, "write -z 0 1M", "write -P 0x61 6M 64k");
        var qemuRaw = File.ReadAllBytes(ToRaw(top));
        var log = new FindingLog();
        using var f = FileSource.Open(top);
        using var resolver = new FileBackingResolver(dir);
        var disk = (ISparseSource)Qcow2Chain.Open(f, top, resolver, log).Disk;
        long holeBytes = 0;
        for (long at = 0; at < disk.Length;)
        {
            var hole = disk.NextHoleOffset(at, disk.Length);
            var data = disk.NextDataOffset(hole, disk.Length);
            Assert.True(qemuRaw.AsSpan((int)hole, (int)(data - hole)).IndexOfAnyExcept((byte)0) < 0, $"our hole {hole}..{data} holds data");
            holeBytes += data - hole;
            at = data;
        }

        // The zeroed first MiB and the untouched stretches are holes: more than half of the disk.
        Assert.True(holeBytes > 10 * Mi, $"{holeBytes} bytes of holes");
        Assert.Equal(0, disk.NextDataOffset(0, Mi) - Mi);
    }
}
