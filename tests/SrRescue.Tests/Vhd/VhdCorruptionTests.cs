using System.Diagnostics;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using static SrRescue.Tests.Vhd.CheckRules;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// The corruption matrix (DESIGN.md tests 3) for check and repair: truncation at every structure
/// boundary, every byte of every header field flipped, random data, a BAT claiming 4 billion
/// entries, a child that is its own parent. Only findings or CorruptDataException may come out;
/// no other exception, no hang, bounded memory.
/// </summary>
public sealed class VhdCorruptionTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>Runs check (with bitmaps and a parent resolver) and repair; fails on anything but findings or CorruptDataException.</summary>
    /// <param name="damaged">False for the one cut that loses nothing: the last (reserved, zero) byte, which leaves a legacy 511-byte footer.</param>
    internal static void Survives(IByteSource source, IVhdParentResolver? resolver = null, bool damaged = true)
    {
        var clock = Stopwatch.StartNew();
        var r = VhdChecker.Check(source, new FindingLog(), new VhdCheckOptions { CheckBitmaps = true, ParentResolver = resolver, NowUtc = Now });
        // Every input here is damaged: a check that calls it clean would be a wrong answer.
        Assert.True(r.IsClean != damaged, $"{source.Name}: check {(damaged ? "found nothing" : "found problems where nothing is lost")}");
        Assert.All(r.Findings.Where(f => f.Severity != Severity.Info), f => Assert.StartsWith("vhd.", f.Code, StringComparison.Ordinal));
        try
        {
            var report = VhdRepairer.Repair(source, Stream.Null, new VhdRepairOptions(), new FindingLog());
            Assert.True(report.OutputSizeBytes >= 512 && report.OutputSizeBytes <= Math.Max(source.Length, 1 << 20) + (72L << 20), $"output of {report.OutputSizeBytes} bytes");
        }
        catch (CorruptDataException e)
        {
            Assert.StartsWith("vhd.", e.Finding.Code, StringComparison.Ordinal);
        }

        Assert.True(clock.Elapsed < Budget, $"{source.Name} took {clock.Elapsed}");
    }

    public static TheoryData<long> Boundaries()
    {
        const long block3 = 8455L * 512, block14 = 33079L * 512;
        var len = Length(Dynamic);
        return
        [
            0, 1, 511, 512, 513, 1023, 1024, 1535, 1536, 1540, 1536 + 80, 4195839, 4195840, 4195841, 4196351, 4196352, 4196353,
            4327423, 4327424, block3 - 1, block3, block3 + 1, block3 + 512, block3 + 513, block3 + (2 << 20) + 511,
            block14, block14 + 512, block14 + (1 << 20), len - 513, len - 512, len - 511, len - 1,
        ];
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Truncation_at_every_structure_boundary(long length)
    {
        var legacyFooter = length == Length(Dynamic) - 1;
        Survives(new DamagedVhds.Mutated(Dynamic, length), damaged: !legacyFooter);
        if (legacyFooter)
        {
            var log = new FindingLog();
            VhdChecker.Check(new DamagedVhds.Mutated(Dynamic, length), log);
            Assert.Contains(log, f => f.Code == "vhd.footer.legacy-511" && f.Offset == length - 511);
        }
    }

    [Fact]
    public void Truncating_a_differencing_child_inside_its_locators()
    {
        foreach (var length in new long[] { 4327424, 4327424 + 50, 4327936 + 100, 4328448 })
        {
            Survives(new DamagedVhds.Mutated(Differencing, length), new FixedResolver(DamagedVhds.Source("f-parent.vhd")));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    [InlineData((5 << 20) + 17)]
    public void Random_data(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        Survives(new MemorySource(bytes, $"random-{length}"));

        // Random data behind a good footer at both ends: everything after the footer is garbage.
        if (length >= 2048)
        {
            var footer = DamagedVhds.Bytes(Dynamic).AsSpan(0, 512);
            footer.CopyTo(bytes);
            footer.CopyTo(bytes.AsSpan(length - (length % 512) - 512));
            Survives(new MemorySource(bytes, $"random-with-footer-{length}"));
        }
    }

    [Fact]
    public void A_bat_claiming_4_billion_entries_costs_bounded_memory()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var huge = Good().U32(512 + 28, uint.MaxValue).FixHeader();
        Survives(huge);
        var r = Check(huge);
        Has(r, "vhd.header.table-range", 512 + 28);

        // With the size claiming 8 PiB too, the BAT read is bounded by the file, not by either claim.
        var both = Good().U32(512 + 28, uint.MaxValue).FixHeader().BothFooters(48, [0, 0x20, 0, 0, 0, 0, 0, 0]);
        Survives(both);
        Assert.Contains(Check(both).Findings, f => f.Code == "vhd.header.bat-too-small");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1L << 30, "more than 1 GiB allocated");
    }

    [Fact]
    public void A_child_that_is_its_own_parent_does_not_loop()
    {
        var self = Good(Differencing);
        for (var i = 0; i < 16; i++)
        {
            self[512 + 40 + i] = self[68 + i];
        }

        self.FixHeader();
        Survives(self, new FixedResolver(self));

        // The chain reader stops at the loop too.
        var log = new FindingLog();
        var chain = VhdChain.Open(self, "self", new FixedResolver(self), log);
        Assert.Equal(1, chain.Depth);
        Assert.False(chain.IsComplete);
    }
}
