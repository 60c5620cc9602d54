using System.Buffers.Binary;
using System.Diagnostics;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// vhd check on the largest VHD XenServer makes (2040 GiB: 32-bit sector numbers cannot address
/// more with blktap's 4 KiB grid) with every one of its 1,044,480 blocks allocated, made up on the
/// fly (no disk space): it reads only the metadata and finds overlaps by sorting, so it takes well
/// under a second where vhd-util's pairwise comparison would make 10^12 comparisons.
/// </summary>
public sealed class CheckScaleTests
{
    private const int Blocks = 2040 * 512;
    private const long FirstBitmap = 8455;
    private const long Stride = 4104;

    /// <summary>A blktap layout: footer copy, header, BAT, batmap, blocks on the 4 KiB grid, footer. Zeros elsewhere.</summary>
    private sealed class LargestVhd : IByteSource
    {
        private readonly byte[] _footer;
        private readonly byte[] _header;
        private readonly byte[] _batmapHeader = new byte[512];

        public LargestVhd(long? overlapAt = null)
        {
            OverlapAt = overlapAt;
            Length = ((FirstBitmap + (Blocks * Stride)) * 512) + 512;
            var f = DamagedVhds.Bytes(CheckRules.Dynamic).AsSpan(0, 512).ToArray();
            BinaryPrimitives.WriteUInt64BigEndian(f.AsSpan(40), (ulong)Blocks << 21);
            BinaryPrimitives.WriteUInt64BigEndian(f.AsSpan(48), (ulong)Blocks << 21);
            Assert.True(VhdFooter.TryRead(f, 0, new FindingLog(), "footer", null, out var parsed));
            _footer = VhdFooter.Encode(parsed);
            _header = DynamicHeader.WithChecksum(DamagedVhds.Bytes(CheckRules.Dynamic).AsSpan(512, 1024));
            DamagedVhds.Bytes(CheckRules.Dynamic).AsSpan(DamagedVhds.BatmapHeaderAt, 512).CopyTo(_batmapHeader);

            // An all-zero map of 256 sectors sums to 0.
            BinaryPrimitives.WriteUInt32BigEndian(_batmapHeader.AsSpan(24), 0xFFFFFFFF);
        }

        public long? OverlapAt { get; }

        public string Name => "2040 GiB";

        public long Length { get; }

        public int ReadAt(long offset, Span<byte> buffer)
        {
            var n = (int)Math.Clamp(Length - offset, 0, buffer.Length);
            var b = buffer[..n];
            b.Clear();
            Overlay(b, offset, 0, _footer);
            Overlay(b, offset, 512, _header);
            Overlay(b, offset, DamagedVhds.BatmapHeaderAt, _batmapHeader);
            Overlay(b, offset, Length - 512, _footer);
            var from = Math.Max(offset, DamagedVhds.BatAt);
            var to = Math.Min(offset + n, DamagedVhds.BatAt + (4L * Blocks));
            for (var p = from; p < to; p++)
            {
                var i = (p - DamagedVhds.BatAt) / 4;
                var entry = (uint)(FirstBitmap + (i * Stride) + (OverlapAt == i ? 8 : 0));
                b[(int)(p - offset)] = (byte)(entry >> (8 * (3 - (int)((p - DamagedVhds.BatAt) % 4))));
            }

            return n;
        }

        private static void Overlay(Span<byte> target, long offset, long at, byte[] bytes)
        {
            var from = Math.Max(offset, at);
            var to = Math.Min(offset + target.Length, at + bytes.Length);
            if (from < to)
            {
                bytes.AsSpan((int)(from - at), (int)(to - from)).CopyTo(target[(int)(from - offset)..]);
            }
        }
    }

    [Fact]
    public void A_full_2040_GiB_image_checks_in_well_under_a_second()
    {
        var vhd = new LargestVhd();
        var clock = Stopwatch.StartNew();
        var r = VhdChecker.Check(vhd, new FindingLog());
        clock.Stop();
        Assert.True(r.IsClean, string.Join("\n", r.Findings));
        Assert.Equal(Blocks, r.AllocatedBlocks);
        Assert.Equal((long)Blocks << 21, r.VirtualSizeBytes);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void One_misplaced_entry_among_a_million_is_found()
    {
        var r = VhdChecker.Check(new LargestVhd(overlapAt: 700_000), new FindingLog());
        var f = Assert.Single(r.Findings, f => f.Code == "vhd.bat.overlap");
        Assert.Equal(DamagedVhds.BatAt + (4L * 700_001), f.Offset);
        Assert.Contains("block 700000", f.Message, StringComparison.Ordinal);
    }
}
