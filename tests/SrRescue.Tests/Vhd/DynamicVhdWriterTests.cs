using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// The dynamic VHD writer on disks built in the test: layout, zero blocks left out, partial last
/// block, empty disk, options; each result read back by us and by qemu-img and vhdiinfo.
/// </summary>
public sealed class DynamicVhdWriterTests
{
    private const int Mi = 1 << 20;

    [Fact]
    public void All_zero_blocks_are_not_allocated_and_the_rest_get_full_bitmaps()
    {
        // Blocks 0 and 3 hold data (block 3 one byte), 1 and 2 are zeros.
        var disk = new byte[8 * Mi];
        disk.AsSpan(0, 3000).Fill(0xA5);
        disk[(6 * Mi) + 12345] = 1;
        var (path, result) = WriteVhd(disk);
        Assert.Equal(4, result.BlockCount);
        Assert.Equal(2, result.BlocksWritten);
        Assert.Equal(2L * 2 * Mi, result.DataBytes);

        using var f = FileSource.Open(path);
        var log = new FindingLog();
        var image = VhdImage.Open(f, log);
        Assert.Empty(log);
        Assert.Equal([7u, VhdImage.Unallocated, VhdImage.Unallocated, 7u + 4104], image.Bat);
        Assert.True(image.BatmapValid);
        Assert.True(image.BatmapSaysFull(0) && image.BatmapSaysFull(3) && !image.BatmapSaysFull(1));
        Assert.All(f.ReadBytes(7 * 512, 512), b => Assert.Equal(0xFF, b));
        Assert.All(f.ReadBytes(3072, 512), b => Assert.Equal(0, b)); // the gap sector before the first bitmap
        Assert.Equal(((7 + 4104 + 4097) * 512L) + 512, f.Length);
        Assert.Equal(Sha(disk), VhdFiles.Sha256(new VhdVirtualDisk(image, null)));
        AssertQemuReads(path, disk);
    }

    [Fact]
    public void A_disk_whose_last_block_is_partial_keeps_its_exact_size()
    {
        var disk = new byte[(5 * Mi) + 1536];
        disk.AsSpan(disk.Length - 700, 700).Fill(0x3C);
        disk.AsSpan(Mi, 10).Fill(0x01);
        var (path, result) = WriteVhd(disk);
        Assert.Equal(3, result.BlockCount);
        Assert.Equal(2, result.BlocksWritten);
        Assert.Equal(disk.Length, result.VirtualSizeBytes);
        var (sha, size, log) = QemuVpc.OurRead(path);
        Assert.Empty(log);
        Assert.Equal(disk.Length, size);
        Assert.Equal(Sha(disk), sha);
        AssertQemuReads(path, disk);
        Assert.Equal(disk.Length, QemuVpc.VhdiinfoMediaSize(path));
    }

    [Fact]
    public void A_size_that_is_not_a_sector_multiple_is_rounded_up()
    {
        var disk = new byte[1000];
        disk.AsSpan().Fill(0x77);
        var (path, result) = WriteVhd(disk);
        Assert.Equal(1024, result.VirtualSizeBytes);
        var (sha, size, _) = QemuVpc.OurRead(path);
        Assert.Equal(1024, size);
        Assert.Equal(Sha([.. disk, .. new byte[24]]), sha);
    }

    [Fact]
    public void An_all_zero_disk_has_no_blocks()
    {
        var disk = new byte[64 * Mi];
        var (path, result) = WriteVhd(disk);
        Assert.Equal(0, result.BlocksWritten);
        var layout = new DynamicVhdLayout(disk.Length);
        Assert.Equal(layout.EndOfMetadataBytes + 512, new FileInfo(path).Length);
        var (sha, _, log) = QemuVpc.OurRead(path);
        Assert.Empty(log);
        Assert.Equal(Sha(disk), sha);
        AssertQemuReads(path, disk);
    }

    [Fact]
    public void An_empty_disk_is_a_valid_vhd_of_size_zero()
    {
        var (path, result) = WriteVhd([]);
        Assert.Equal(0, result.BlockCount);
        Assert.Equal(0, result.VirtualSizeBytes);
        Assert.Equal(1536 + 512 + 512 + 512 + 512, new FileInfo(path).Length); // BAT of one unallocated entry
        var (_, size, log) = QemuVpc.OurRead(path);
        Assert.Empty(log);
        Assert.Equal(0, size);
        Assert.Equal(0, QemuVpc.VirtualSize(path));
        Assert.Equal(0, QemuVpc.VhdiinfoMediaSize(path));
    }

    [Fact]
    public void Options_set_uuid_hidden_and_timestamp()
    {
        var uuid = Guid.NewGuid();
        var when = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        var dir = Fixtures.NewTempDir();
        var path = Path.Combine(dir, "o.vhd");
        using (var s = File.Create(path))
        {
            DynamicVhdWriter.Write(new MemorySource(new byte[Mi]), s, new DynamicVhdWriteOptions { Uuid = uuid, Hidden = true, TimestampUtc = when });
        }

        using var f = FileSource.Open(path);
        var image = VhdImage.Open(f, new FindingLog());
        Assert.Equal(uuid, image.Uuid);
        Assert.True(image.IsHidden);
        Assert.Equal(when, image.Footer.CreatedUtc);
        Assert.Equal(image.Footer.Raw, image.BackupFooter!.Raw);
    }

    [Fact]
    public void Batmap_and_header_follow_blktap_layout()
    {
        // 100 MiB like `vhd-util create -s 100` (vhd.md 3.5): BAT 1536, batmap header 2048, map 2560.
        var layout = new DynamicVhdLayout(100 * Mi);
        Assert.Equal(50, layout.BlockCount);
        Assert.Equal(2048, layout.BatmapHeaderOffsetBytes);
        Assert.Equal(2560, layout.BatmapOffsetBytes);
        Assert.Equal(3072, layout.EndOfMetadataBytes);
        Assert.Equal(7, DynamicVhdLayout.BitmapSectorAtOrAfter(3072));
        Assert.Equal(4111, DynamicVhdLayout.BitmapSectorAtOrAfter((7 + 4097) * 512L));

        // 2 TiB of entries (XenServer's pre-allocation): 4 MiB BAT, 256 batmap sectors.
        var big = new DynamicVhdLayout(2040L << 30);
        Assert.Equal(255, big.BatmapSectors);
        Assert.Equal(1536 + (2040 * 512 * 4), big.BatmapHeaderOffsetBytes);

        var header = layout.Header();
        Assert.Equal(50u, BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(DynamicHeader.Off.MaxTableEntries)));
        Assert.True(DynamicHeader.TryRead(header, 512, new FindingLog(), null, out var parsed) && parsed.ChecksumMatches);
    }

    [Theory]
    [InlineData(100L << 20, 1003, 12, 17)]
    [InlineData(128L << 20, 963, 16, 17)]
    [InlineData(1L << 30, 2080, 16, 63)]
    [InlineData(2040L << 30, 65535, 16, 255)]
    [InlineData(0L, 0, 4, 17)]
    public void Geometry_is_the_specification_chs(long size, int cylinders, int heads, int sectors)
    {
        Assert.Equal(VhdGeometry.Pack(cylinders, heads, sectors), VhdGeometry.ForSize((ulong)size));
    }

    [Theory]
    [InlineData("100M")]
    [InlineData("5M")]
    [InlineData("3000K")]
    [InlineData("1G")]
    [InlineData("40G")]
    public void Geometry_matches_what_qemu_writes(string size)
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "g.vhd");
        ExternalTool.RunChecked(QemuVpc.Img, "create", "-q", "-f", "vpc", path, size);
        using var f = FileSource.Open(path);
        var footer = VhdImage.Open(f, new FindingLog()).Footer;
        Assert.Equal(footer.Geometry, VhdGeometry.ForSize(footer.CurrentSizeBytes));
        Assert.Equal((long)footer.CurrentSizeBytes, VhdGeometry.CapacityBytes(footer.Geometry));
    }

    [Fact]
    public void The_output_must_be_seekable_and_the_disk_not_too_large()
    {
        using var pipe = new NonSeekable();
        Assert.Throws<ArgumentException>(() => DynamicVhdWriter.Write(new MemorySource(new byte[512]), pipe));
        using var ms = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => DynamicVhdWriter.Write(new HugeSource(), ms));
    }

    [Fact]
    public void A_read_error_and_a_cancel_reach_the_caller_as_they_are()
    {
        using var ms = new MemoryStream();
        var e = Assert.Throws<IOException>(() => DynamicVhdWriter.Write(new FailingSource(20 * Mi, failAt: 7 * Mi), ms));
        Assert.Contains("bad sector", e.Message);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => DynamicVhdWriter.Write(new FailingSource(20 * Mi, failAt: long.MaxValue), ms, cancel: cancelled.Token));

        // Many blocks through the read-ahead, in order.
        var big = new byte[40 * Mi];
        for (var i = 0; i < 20; i++)
        {
            big[(i * 2 * Mi) + i] = (byte)(i + 1);
        }

        var (path, result) = WriteVhd(big);
        Assert.Equal(20, result.BlocksWritten);
        Assert.Equal(Sha(big), QemuVpc.OurRead(path).Sha256);
    }

    private static (string Path, DynamicVhdWriteResult Result) WriteVhd(byte[] disk)
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "w.vhd");
        DynamicVhdWriteResult result;
        using (var s = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            result = DynamicVhdWriter.Write(new MemorySource(disk), s);
            Assert.Equal(s.Length, result.FileSizeBytes);
        }

        // Every rule of `vhd-util check` (vhd.md 3.6), bitmaps against data included.
        using var f = FileSource.Open(path);
        var check = new FindingLog();
        VhdChecker.Check(f, check, new VhdCheckOptions { CheckBitmaps = true });
        Assert.DoesNotContain(check, x => x.Severity != Severity.Info);
        return (path, result);
    }

    private static void AssertQemuReads(string path, byte[] disk)
    {
        Assert.Equal(RoundUp512(disk.Length), QemuVpc.VirtualSize(path));
        Assert.Equal(Sha(disk), QemuVpc.Sha256File(QemuVpc.ToRaw(path)));
    }

    private static long RoundUp512(long n) => (n + 511) / 512 * 512;

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private sealed class NonSeekable : MemoryStream
    {
        public override bool CanSeek => false;
    }

    private sealed class FailingSource(long length, long failAt) : IByteSource
    {
        public string Name => "failing";

        public long Length => length;

        public int ReadAt(long offset, Span<byte> buffer)
        {
            if (offset <= failAt && failAt < offset + buffer.Length)
            {
                throw new IOException("bad sector");
            }

            buffer.Fill(1);
            return buffer.Length;
        }
    }

    private sealed class HugeSource : IByteSource
    {
        public string Name => "huge";

        public long Length => DynamicVhdWriter.MaxVirtualSizeBytes + 512;

        public int ReadAt(long offset, Span<byte> buffer) => throw new InvalidOperationException("must not be read");
    }
}
