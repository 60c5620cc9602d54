using System.Diagnostics;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// The corruption matrix for the binary LVM layer: truncation at every structure boundary,
/// zeroed structures, byte flips in every header field, random data. Only findings (or
/// CorruptDataException) may come out; no other exception, no hang.
/// </summary>
public sealed class PvScannerCorruptionTests
{
    private static readonly Lazy<byte[]> Sample = new(() => Samples.Bytes("s2_pv1_first1MiB.img.gz"));

    [Theory]
    [InlineData(0, "lvm.label.missing", 0)]
    [InlineData(511, "lvm.label.missing", 0)]
    [InlineData(512, "lvm.label.missing", 0)]
    [InlineData(544, "lvm.label.missing", 0)]
    [InlineData(600, "lvm.label.missing", 0)]
    [InlineData(1024, "lvm.mda.outside", 4096)]
    [InlineData(4096, "lvm.mda.outside", 4096)]
    [InlineData(4100, "lvm.mda.truncated", 4096)]
    [InlineData(4608, "lvm.mda.size-range", 4096)]
    [InlineData(10752, "lvm.mda.size-range", 4096)]
    [InlineData(10753 + 1000, "lvm.mda.size-range", 4096)]
    [InlineData(500_000, "lvm.mda.size-range", 4096)]
    public void Truncation_at_each_boundary_gives_the_finding_of_the_cut_structure(int length, string code, long offset)
    {
        var log = new FindingLog();
        var scan = Scan(Sample.Value.AsSpan(0, length).ToArray(), log);
        if (length < 1024)
        {
            Assert.Null(scan.Label);
        }

        Assert.True(log.Any(f => f.Code == code && f.Offset == offset), $"no {code} at byte {offset}: {string.Join("; ", log)}");
    }

    [Fact]
    public void Zeroed_label_still_finds_the_metadata_area_by_its_magic()
    {
        var bytes = (byte[])Sample.Value.Clone();
        Array.Clear(bytes, 0, 2048);
        var log = new FindingLog();
        var scan = Scan(bytes, log);
        Assert.Null(scan.Label);
        Assert.Contains(log, f => f.Code == "lvm.label.missing" && f.Offset == 0);
        var area = Assert.Single(scan.MetadataAreas);
        Assert.True(area.FromDefaults);
        Assert.Contains(area.Copies, c => c.IsCommitted);
    }

    [Fact]
    public void Zeroed_mda_header_still_yields_every_copy_in_the_ring()
    {
        var intact = Scan(Sample.Value, new FindingLog()).Copies.Count();
        var bytes = (byte[])Sample.Value.Clone();
        Array.Clear(bytes, 4096, 512);
        var log = new FindingLog();
        var scan = Scan(bytes, log);
        Assert.Contains(log, f => f.Code == "lvm.mda.magic" && f.Offset == 4100);
        Assert.Equal(intact, scan.Copies.Count());
        Assert.DoesNotContain(scan.Copies, c => c.IsCommitted);
    }

    [Fact]
    public void Every_byte_flip_in_the_label_sector_and_mda_header_is_a_finding_at_that_structure()
    {
        // Both sectors are covered by a CRC (label: bytes 20-511, mda header: 4-511) or hold the
        // magic and fields the CRC starts after, so every flip must be named at its structure.
        foreach (var at in Enumerable.Range(512, 512).Concat(Enumerable.Range(4096, 512)))
        {
            var bytes = (byte[])Sample.Value.Clone();
            bytes[at] ^= 0xA5;
            var log = new FindingLog();
            Scan(bytes, log);
            var (from, to) = at < 1024 ? (0L, 1024L) : (4096L, 4608L);
            Assert.True(log.Any(f => f.Severity != Severity.Info && f.Offset >= from && f.Offset < to),
                $"flip at byte {at}: no finding in bytes {from}-{to - 1}: {string.Join("; ", log)}");
        }
    }

    [Fact]
    public void Huge_sizes_in_every_location_field_are_bounded_and_named()
    {
        foreach (var field in new[] { 64, 72, 80, 104, 112, 120, 128 })
        {
            var bytes = (byte[])Sample.Value.Clone();
            var sector = bytes.AsSpan(512, 512).ToArray();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(sector.AsSpan(field), ulong.MaxValue - 7);
            LabelTestData.FixLabelCrc(sector);
            sector.CopyTo(bytes, 512);
            var log = new FindingLog();
            Scan(bytes, log);
            Assert.True(log.Any(f => f.Severity != Severity.Info && f.Offset >= 512 && f.Offset < 1024 && f.Code.StartsWith("lvm.", StringComparison.Ordinal)),
                $"label field {field}: {string.Join("; ", log)}");
        }

        foreach (var field in new[] { 24, 32, 40, 48, 64, 72 })
        {
            var bytes = (byte[])Sample.Value.Clone();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(4096 + field), ulong.MaxValue - 7);
            var log = new FindingLog();
            Scan(bytes, log);
            Assert.True(log.Any(f => f.Severity != Severity.Info && f.Offset >= 4096 && f.Offset < 4608),
                $"mda header field {field}: {string.Join("; ", log)}");
        }
    }

    [Fact]
    public void Random_data_gives_findings_only_and_finishes_quickly()
    {
        var rng = new Random(1234);
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[rng.Next(0, 300_000)];
            rng.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 600)
            {
                // A real label on random data: the areas it names hold garbage.
                Sample.Value.AsSpan(512, 512).CopyTo(bytes.AsSpan(512));
            }

            var watch = Stopwatch.StartNew();
            var log = new FindingLog();
            var scan = Scan(bytes, log);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            // Random bytes are no PV: no committed copy is believed, and the scan says why.
            Assert.DoesNotContain(scan.Copies, c => c.IsCommitted && !c.IsDamaged);
            Assert.Contains(log, f => f.Severity == Severity.Error);
        }
    }

    [Fact]
    public void A_ring_full_of_copy_heads_without_ends_is_scanned_in_bounded_time()
    {
        // Worst case for the scanner: a header at every 512-byte step and no NUL anywhere.
        var area = new byte[11 << 20];
        var head = "vg {\nid = \"aaaaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa\"\nseqno = 1\n"u8;
        for (var k = 512; k < area.Length; k += 512)
        {
            area.AsSpan(k, 512).Fill((byte)'x');
            head.CopyTo(area.AsSpan(k));
        }

        var watch = Stopwatch.StartNew();
        var copies = MetadataRingScanner.Scan(area, 0, 1, null, "t", new FindingLog());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal((area.Length / 512) - 1, copies.Count);
        Assert.All(copies, c => Assert.True(c.IsDamaged));
    }

    private static PvScan Scan(byte[] bytes, FindingLog log)
    {
        try
        {
            return PvScanner.Scan(new MemorySource(bytes), 0, log);
        }
        catch (CorruptDataException)
        {
            return new PvScan("x", 0, bytes.Length, -1, null, null, []);
        }
    }
}
