using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Partitions;

namespace SrRescue.Tests.Partitions;

/// <summary>Damaged tables: findings with their code and offset, the good copy used, no exception, no hang.</summary>
public sealed class CorruptTableTests
{
    private const int Ss = 512;
    private static readonly Lazy<byte[]> Original = new(MakeGptImage);

    private static byte[] MakeGptImage()
    {
        var image = PartitionTools.NewImage(4L << 20);
        PartitionTools.Sgdisk("-n", "1:2048:4095", "-t", "1:8300", "-c", "1:root", "-n", "2:4096:0", "-t", "2:8E00", "-c", "2:localsr", image);
        return File.ReadAllBytes(image);
    }

    private static (DiskPartitions Disk, FindingLog Log) Read(byte[] bytes)
    {
        var log = new FindingLog();
        return (DiskPartitions.Read(new MemorySource(bytes), log), log);
    }

    private static void FixHeaderCrc(byte[] bytes, int at)
    {
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + GptHeader.Off.HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + GptHeader.Off.HeaderCrc), GptHeader.ComputeCrc(bytes.AsSpan(at, size)));
    }

    [Fact]
    public void Crc32_is_the_standard_one()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Intact_table_has_no_warnings()
    {
        var (d, log) = Read(Original.Value);
        Assert.DoesNotContain(log, f => f.Severity != Severity.Info);
        Assert.Equal(2, d.Gpt!.Partitions.Count);
        Assert.Equal("intact", TableProposer.Propose(d, [], log).Kind);
    }

    [Fact]
    public void Primary_header_crc_mismatch_uses_the_backup_and_rebuilds_the_original_exactly()
    {
        var bytes = (byte[])Original.Value.Clone();
        bytes[Ss + GptHeader.Off.FirstUsableLba] ^= 0x01;
        var (d, log) = Read(bytes);
        var f = Assert.Single(log, f => f.Code == "partitions.gpt.header-crc");
        Assert.Equal(Ss + GptHeader.Off.HeaderCrc, f.Offset);
        Assert.NotEqual(f.Stored, f.Computed);
        Assert.Same(d.Gpt!.Backup, d.Gpt.Used);
        Assert.Equal(2, d.Gpt.Partitions.Count);

        var proposal = TableProposer.Propose(d, [], log);
        Assert.Equal("gpt-from-backup", proposal.Kind);
        foreach (var p in proposal.Patches)
        {
            p.Bytes.CopyTo(bytes, p.OffsetBytes);
        }

        Assert.Equal(Original.Value, bytes);
    }

    [Fact]
    public void Zeroed_primary_and_mbr_are_rebuilt_from_the_backup()
    {
        var bytes = (byte[])Original.Value.Clone();
        Array.Clear(bytes, 0, 34 * Ss);
        var (d, log) = Read(bytes);
        Assert.Contains(log, f => f.Code == "partitions.gpt.copy-missing");
        var proposal = TableProposer.Propose(d, [], log);
        Assert.Equal("gpt-from-backup", proposal.Kind);
        foreach (var p in proposal.Patches)
        {
            p.Bytes.CopyTo(bytes, p.OffsetBytes);
        }

        // sgdisk's protective MBR differs only in CHS bytes; the GPT sectors are identical.
        Assert.Equal(Original.Value.AsSpan(Ss), bytes.AsSpan(Ss));
        var (again, log2) = Read(bytes);
        Assert.True(again.Gpt!.Primary!.IsValid && again.Gpt.Backup!.IsValid && again.Mbr!.IsProtective);
        Assert.DoesNotContain(log2, f => f.Severity != Severity.Info);
    }

    [Fact]
    public void Entry_array_crc_mismatch_is_found_and_the_copies_differ()
    {
        var bytes = (byte[])Original.Value.Clone();
        bytes[(2 * Ss) + GptEntry.Off.Name] ^= 0x20;
        var (d, log) = Read(bytes);
        Assert.Equal(2 * Ss, Assert.Single(log, f => f.Code == "partitions.gpt.entries-crc").Offset);
        Assert.Contains(log, f => f.Code == "partitions.gpt.copies-differ");
        Assert.Equal("root", d.Gpt!.Partitions[0].Name);
    }

    [Theory]
    [InlineData(GptHeader.Off.EntryCount, 0xFFFFFFFFu, "partitions.gpt.entry-count")]
    [InlineData(GptHeader.Off.EntryCount, 100_000u, "partitions.gpt.entry-count")]
    [InlineData(GptHeader.Off.EntrySize, 0u, "partitions.gpt.entry-size")]
    [InlineData(GptHeader.Off.EntrySize, 129u, "partitions.gpt.entry-size")]
    [InlineData(GptHeader.Off.EntrySize, 0x80000000u, "partitions.gpt.entry-size")]
    [InlineData(GptHeader.Off.HeaderSize, 600u, "partitions.gpt.header-size")]
    [InlineData(GptHeader.Off.HeaderSize, 10u, "partitions.gpt.header-size")]
    [InlineData(GptHeader.Off.EntriesLba, 0xFFFFFFFFu, "partitions.gpt.entries-lba")]
    [InlineData(GptHeader.Off.MyLba, 7u, "partitions.gpt.my-lba")]
    public void Impossible_header_fields_are_findings_and_the_backup_is_used(int field, uint value, string code)
    {
        var bytes = (byte[])Original.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Ss + field), value);
        if (field != GptHeader.Off.HeaderSize)
        {
            FixHeaderCrc(bytes, Ss);
        }

        var (d, log) = Read(bytes);
        Assert.Equal(Ss + field, Assert.Single(log, f => f.Code == code).Offset);
        Assert.Equal(2, d.Gpt!.Partitions.Count);
        Assert.Equal("gpt-from-backup", TableProposer.Propose(d, [], log).Kind);
    }

    [Fact]
    public void Header_larger_than_92_bytes_is_read_with_its_crc_over_the_whole_size()
    {
        var bytes = (byte[])Original.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Ss + GptHeader.Off.HeaderSize), 200);
        bytes[Ss + 150] = 0x5A;
        FixHeaderCrc(bytes, Ss);
        var (d, log) = Read(bytes);
        Assert.True(d.Gpt!.Primary!.IsValid);
        Assert.Equal(200u, d.Gpt.Primary.Header.HeaderSize);
        Assert.DoesNotContain(log, f => f.Code == "partitions.gpt.header-crc");
        bytes[Ss + 150] = 0x5B;
        Assert.Contains(Read(bytes).Log, f => f.Code == "partitions.gpt.header-crc");
    }

    private static byte[] MbrDisk(int sectors)
    {
        var bytes = new byte[sectors * Ss];
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        new MbrEntry(0, 0x05, 100, (uint)(sectors - 100)).Write(bytes.AsSpan(446));
        return bytes;
    }

    private static void Ebr(byte[] bytes, long lba, uint logicalStart, uint logicalCount, uint nextRelative)
    {
        var at = (int)(lba * Ss);
        bytes[at + 510] = 0x55;
        bytes[at + 511] = 0xAA;
        new MbrEntry(0, 0x83, logicalStart, logicalCount).Write(bytes.AsSpan(at + 446));
        if (nextRelative != 0)
        {
            new MbrEntry(0, 0x05, nextRelative, 10).Write(bytes.AsSpan(at + 446 + 16));
        }
    }

    [Fact]
    public void Ebr_chain_that_loops_back_is_cut_with_a_finding()
    {
        var bytes = MbrDisk(400);
        // Next-EBR pointers are relative to the extended partition's start (100).
        Ebr(bytes, 100, 1, 9, 100);        // first EBR -> sector 200
        Ebr(bytes, 200, 1, 9, 100);        // sector 200 -> sector 200: a self-loop
        var (d, log) = Read(bytes);
        Assert.Equal(200 * Ss, Assert.Single(log, f => f.Code == "partitions.ebr.loop").Offset);
        Assert.Equal([1, 5, 6], d.Mbr!.Partitions.Select(p => p.Number));

        // A longer cycle: 100 -> 200 -> 150 -> 100.
        Ebr(bytes, 200, 1, 9, 50);
        Ebr(bytes, 150, 1, 9, 0);
        new MbrEntry(0, 0x05, 0, 10).Write(bytes.AsSpan((150 * Ss) + 446 + 16));
        var (d2, log2) = Read(bytes);
        Assert.Equal(100 * Ss, Assert.Single(log2, f => f.Code == "partitions.ebr.loop").Offset);
        Assert.Equal(4, d2.Mbr!.Partitions.Count);
    }

    [Fact]
    public void Endless_ebr_chain_is_bounded()
    {
        var bytes = MbrDisk(2000);
        for (var i = 0; i < 1800; i++)
        {
            Ebr(bytes, 100 + i, 1, 1, (uint)(i + 1));
        }

        var (d, log) = Read(bytes);
        Assert.Contains(log, f => f.Code == "partitions.ebr.too-many");
        Assert.True(d.Mbr!.Partitions.Count <= MbrTable.MaxLogicalPartitions + 4);
    }

    [Fact]
    public void Truncations_and_random_bytes_give_findings_only()
    {
        var original = Original.Value;
        foreach (var length in new[] { 0, 1, 511, 512, 513, 1024, 1100, 17408, 17920, 1 << 20, original.Length - 513, original.Length - 1 })
        {
            var (_, _) = Read(original.AsSpan(0, length).ToArray());
            TableProposer.Propose(Read(original.AsSpan(0, length).ToArray()).Disk, [], new FindingLog());
        }

        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var bytes = (byte[])original.Clone();
            var at = random.Next(i % 2 == 0 ? 34 * Ss : 1024) + (i % 3 == 0 ? bytes.Length - (33 * Ss) : 0);
            bytes[Math.Min(at, bytes.Length - 1)] = (byte)random.Next(256);
            bytes[random.Next(446, 512)] = (byte)random.Next(256);
            var (d, log) = Read(bytes);
            TableProposer.Propose(d, [], log);
        }
    }
}
