using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// VHDs made by qemu (`qemu-img create -f vpc` + `qemu-io write -P`, `qemu-img convert -O vpc`)
/// read by VhdImage/VhdVirtualDisk exactly as `qemu-img convert -f vpc -O raw` reads them, and
/// both equal to the pattern written. qemu creates `qemu`-creator images with current_size equal
/// to the CHS product (it rounds the size up until it is, vhd.md 5.3), so both readers agree on
/// the size; where a creator makes qemu use CHS while current_size is larger, we read current_size
/// (what blktap and XenServer use) and qemu reads less: compared over qemu's size.
/// </summary>
public sealed class QemuInteropTests
{
    private const long Mi = 1 << 20;

    public static TheoryData<string, string, (long Offset, long Length, byte Pattern)[]> Written() => new()
    {
        { "patterns", "64M", [(0, Mi, 0xAA), ((5 * Mi) - 512, 3 * Mi, 0x55), (40 * Mi, 512, 0x11), (63 * Mi, Mi, 0xEE)] },
        { "sparse", "1G", [(0, 4096, 0x01), ((700 * Mi) + 512, 512, 0x02), ((1L << 30) - 4096, 4096, 0x03)] },
        { "nearly-full", "16M", [(0, 13 * Mi, 0x5A), ((14 * Mi) + 4096, (2 * Mi) - 4096, 0xC3)] },
        { "odd-size", "5M", [((2 * Mi) - 512, 1024, 0x42), (5257216 - 1024, 1024, 0x99)] },
    };

    [Theory]
    [MemberData(nameof(Written))]
    public void Images_written_by_qemu_io_read_as_qemu_reads_them(string name, string size, (long Offset, long Length, byte Pattern)[] writes)
    {
        var path = Path.Combine(Fixtures.NewTempDir(), name + ".vhd");
        ExternalTool.RunChecked(QemuVpc.Img, "create", "-q", "-f", "vpc", path, size);
        QemuVpc.Write(path, writes);
        var qemuSize = QemuVpc.VirtualSize(path);
        var (ours, ourSize, log) = QemuVpc.OurRead(path);
        Assert.DoesNotContain(log, f => f.Severity == Severity.Error);
        Assert.Equal(qemuSize, ourSize);
        Assert.Equal(QemuVpc.Sha256File(QemuVpc.ToRaw(path)), ours);
        Assert.Equal(QemuVpc.PatternSha256(qemuSize, writes), ours);
    }

    [Theory]
    [InlineData("dynamic", new string[0])]
    [InlineData("fixed", new[] { "-o", "subformat=fixed" })]
    [InlineData("force-size", new[] { "-o", "force_size=on" })]
    [InlineData("fixed-force-size", new[] { "-o", "subformat=fixed,force_size=on" })]
    public void Images_converted_from_raw_by_qemu_img_read_as_qemu_reads_them(string name, string[] options)
    {
        // 10 MiB + 7 sectors: neither a block nor a CHS multiple.
        var length = (10 * Mi) + 3584;
        (long, long, byte)[] writes = [(0, 4096, 0x10), ((2 * Mi) - 100, 200, 0x20), (length - 512, 512, 0x30)];
        var dir = Fixtures.NewTempDir();
        var raw = Path.Combine(dir, "in.raw");
        File.WriteAllBytes(raw, QemuVpc.Pattern(length, writes));
        var path = Path.Combine(dir, name + ".vhd");
        ExternalTool.RunChecked(QemuVpc.Img, ["convert", "-f", "raw", "-O", "vpc", .. options, raw, path]);

        var qemuSize = QemuVpc.VirtualSize(path);
        var (ours, ourSize, log) = QemuVpc.OurRead(path);
        Assert.DoesNotContain(log, f => f.Severity == Severity.Error);
        Assert.Equal(qemuSize, ourSize);
        Assert.True(ourSize >= length, $"{ourSize} < {length}");
        Assert.Equal(QemuVpc.Sha256File(QemuVpc.ToRaw(path)), ours);
        Assert.Equal(QemuVpc.PatternSha256(ourSize, writes), ours);
        if (options.Any(o => o.Contains("force_size", StringComparison.Ordinal)))
        {
            Assert.Equal(length, ourSize); // qem2: exact size, max geometry
        }
    }

    [Fact]
    public void Where_qemu_sizes_by_chs_we_read_current_size_and_agree_over_qemus_size()
    {
        // Our writer's image relabelled as Virtual PC's: qemu then takes the CHS product (smaller
        // than current_size for 100 MiB: 1003/12/17 = 104,761,344 bytes), blktap and we the size.
        var length = 100 * Mi;
        (long, long, byte)[] writes = [(0, Mi, 0x61), (length - Mi, Mi, 0x62)];
        var path = Path.Combine(Fixtures.NewTempDir(), "vpc.vhd");
        using (var s = File.Create(path))
        {
            DynamicVhdWriter.Write(new MemorySource(QemuVpc.Pattern(length, writes)), s);
        }

        Relabel(path, "vpc ");
        var qemuSize = QemuVpc.VirtualSize(path);
        var (_, ourSize, log) = QemuVpc.OurRead(path);
        Assert.Empty(log);
        Assert.Equal(length, ourSize);
        Assert.Equal(104_761_344, qemuSize);
        Assert.Equal(QemuVpc.Sha256File(QemuVpc.ToRaw(path)), QemuVpc.OurRead(path, qemuSize).Sha256);

        // Told to use current_size, qemu reads the whole disk as we do.
        var full = path + ".full.raw";
        ExternalTool.RunChecked(QemuVpc.Img, "convert", "--image-opts", $"driver=vpc,force_size_calc=current_size,file.filename={path}", "-O", "raw", full);
        Assert.Equal(QemuVpc.PatternSha256(length, writes), QemuVpc.Sha256File(full));
        Assert.Equal(QemuVpc.PatternSha256(length, writes), QemuVpc.OurRead(path).Sha256);
    }

    /// <summary>Rewrites the creator of both footers, checksums recomputed.</summary>
    private static void Relabel(string path, string creator)
    {
        VhdFooter footer;
        using (var f = FileSource.Open(path))
        {
            footer = VhdImage.Open(f, new FindingLog()).Footer;
        }

        var bytes = VhdFooter.Encode(footer with { CreatorApp = creator });
        using var w = new FileStream(path, FileMode.Open, FileAccess.Write);
        w.Write(bytes);
        w.Position = w.Length - VhdFooter.Size;
        w.Write(bytes);
    }
}
