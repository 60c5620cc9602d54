using SrRescue.Io;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Io;

/// <summary>
/// The one extent-mapped volume (LVs, carved LVs and multi-PV runs all read through it): linear
/// and dm-striped runs, gaps and areas past their source's end as zeros, and holes passed on.
/// The striped layout is checked against the rule written out by hand, not against itself.
/// </summary>
public sealed class MappedVolumeTests
{
    private const long MiB = 1 << 20;

    private static byte[] Pattern(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed))];

    [Fact]
    public void A_striped_run_puts_chunk_c_on_area_c_mod_n_row_c_div_n()
    {
        var a = Pattern(64 * 1024, 1);
        var b = Pattern(64 * 1024, 7);
        var stripe = 4096;
        var volume = new MappedVolume("striped", 2 * 32 * 1024, [new MappedVolume.Run(0, 2 * 32 * 1024,
            [new MappedVolume.Area(new MemorySource(a), 1024), new MappedVolume.Area(new MemorySource(b), 2048)], stripe)]);
        var read = new byte[volume.Length];
        Assert.Equal(read.Length, volume.ReadAt(0, read));
        for (var at = 0; at < read.Length; at += 509)
        {
            var chunk = at / stripe;
            var (source, offset) = chunk % 2 == 0 ? (a, 1024) : (b, 2048);
            Assert.Equal(source[offset + ((chunk / 2) * stripe) + (at % stripe)], read[at]);
        }
    }

    [Fact]
    public void Gaps_and_areas_past_the_end_of_their_source_read_as_zeros()
    {
        var data = Pattern(6000, 3);
        var volume = new MappedVolume("gappy", 20000, [
            new MappedVolume.Run(0, 4000, [new MappedVolume.Area(new MemorySource(data), 0)]),
            new MappedVolume.Run(8000, 4000, [new MappedVolume.Area(new MemorySource(data), 5000)]),
            new MappedVolume.Run(12000, 2000, []),
        ]);
        var read = new byte[20000];
        Assert.Equal(20000, volume.ReadAt(0, read));
        Assert.Equal(data[..4000], read[..4000]);
        Assert.All(read[4000..8000], x => Assert.Equal(0, x));
        Assert.Equal(data[5000..6000], read[8000..9000]);
        Assert.All(read[9000..], x => Assert.Equal(0, x));
        Assert.Equal(0, volume.ReadAt(20000, read));
    }

    [Fact]
    public void Overlapping_runs_are_refused()
    {
        var s = new MemorySource(new byte[100]);
        Assert.Throws<ArgumentException>(() => new MappedVolume("bad", 100, [new MappedVolume.Run(0, 60, [new MappedVolume.Area(s, 0)]), new MappedVolume.Run(50, 50, [new MappedVolume.Area(s, 0)])]));
    }

    [Fact]
    public void Holes_of_the_sources_gaps_and_empty_runs_are_holes_of_the_volume()
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "sparse.img");
        using (var f = File.Create(path))
        {
            f.SetLength(8 * MiB);
            f.Position = 3 * MiB;
            f.Write(Pattern(4096, 9));
        }

        using var file = FileSource.Open(path);
        // Volume: [0, 2 MiB) = file [2 MiB, 4 MiB) (data at 1 MiB of the volume); [2, 4) a gap; [4, 6) = file [3 MiB, 5 MiB).
        var volume = new MappedVolume("holes", 6 * MiB, [
            new MappedVolume.Run(0, 2 * MiB, [new MappedVolume.Area(file, 2 * MiB)]),
            new MappedVolume.Run(4 * MiB, 2 * MiB, [new MappedVolume.Area(file, 3 * MiB)]),
        ]);
        Assert.Equal(1 * MiB, volume.NextDataOffset(0, 6 * MiB));
        Assert.Equal(1 * MiB + 4096, volume.NextHoleOffset(1 * MiB, 6 * MiB));
        Assert.Equal(4 * MiB, volume.NextDataOffset(1 * MiB + 4096, 6 * MiB));
        Assert.Equal(2 * MiB, volume.NextHoleOffset(2 * MiB, 6 * MiB));
        Assert.Equal(4 * MiB + 4096, volume.NextHoleOffset(4 * MiB, 6 * MiB));
        Assert.Equal(6 * MiB, volume.NextDataOffset(4 * MiB + 4096, 6 * MiB));
    }
}
