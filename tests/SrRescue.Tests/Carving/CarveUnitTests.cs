using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Xen;

namespace SrRescue.Tests.Carving;

/// <summary>The carved LV as a volume, the default grid, and garbage in, findings out.</summary>
public sealed class CarveUnitTests
{
    [Fact]
    public void Carved_lv_reads_its_extents_in_map_order_and_zeros_for_a_missing_one()
    {
        var grid = new ExtentGrid(1024, 512, 4, "test");
        var pv = new byte[1024 + (4 * 512)];
        for (var pe = 0; pe < 4; pe++)
        {
            pv.AsSpan(1024 + (pe * 512), 512).Fill((byte)(pe + 1));
        }

        var lv = new CarvedLv(new MemorySource(pv), grid, [2, -1, 0], "lv");
        Assert.Equal(3 * 512, lv.Length);
        var all = new byte[lv.Length];
        Assert.Equal(all.Length, lv.ReadFullyAt(0, all));
        Assert.All(all[..512], b => Assert.Equal(3, b));
        Assert.All(all[512..1024], b => Assert.Equal(0, b));
        Assert.All(all[1024..], b => Assert.Equal(1, b));
        Assert.Equal(0, lv.ReadAt(lv.Length, new byte[8]));
    }

    [Fact]
    public void Without_metadata_the_grid_is_the_xenserver_layout()
    {
        var grid = ExtentGrid.Default(512L << 20);
        Assert.Equal(11L << 20, grid.PeStartBytes);
        Assert.Equal(4L << 20, grid.ExtentSizeBytes);
        Assert.Equal(125, grid.ExtentCount);
    }

    [Fact]
    public void Carving_random_bytes_finds_nothing_and_throws_nothing()
    {
        var bytes = new byte[(11 << 20) + (8 * (4 << 20))];
        new Random(7).NextBytes(bytes);
        var source = new MemorySource(bytes);
        var log = new FindingLog();
        var result = Carver.Carve(source, ExtentGrid.Default(source.Length), new HashSet<long>(), LvhdFooters.OnLv, log);
        Assert.Empty(result.Vdis);
        Assert.Equal(8, result.UnaccountedPes.Count);
        Assert.All(log, f => Assert.Equal("carve.extent.unaccounted", f.Code));
    }
}
