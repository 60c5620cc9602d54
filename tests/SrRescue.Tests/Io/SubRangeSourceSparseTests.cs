using SrRescue.Io;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Io;

/// <summary>
/// A PV found inside an image is read through a SubRangeSource: it must pass on the holes of a
/// sparse image (the carver skips extents that are holes) and clip them to its own range.
/// </summary>
public sealed class SubRangeSourceSparseTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void Holes_of_a_sparse_file_are_seen_through_the_range_and_clipped_to_it()
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "sparse.img");
        using (var f = File.Create(path))
        {
            f.SetLength(8 * MiB);
            f.Position = 2 * MiB;
            f.Write(new byte[4096].Select(_ => (byte)0xAB).ToArray());
            f.Position = 6 * MiB;
            f.Write(new byte[4096].Select(_ => (byte)0xCD).ToArray());
        }

        using var file = FileSource.Open(path);
        var range = new SubRangeSource(file, 1 * MiB, 4 * MiB);

        Assert.Equal(1 * MiB, range.NextDataOffset(0, 1 * MiB));
        Assert.Equal(1 * MiB, range.NextDataOffset(0, 4 * MiB));
        Assert.Equal(1 * MiB + 4096, range.NextHoleOffset(1 * MiB, 4 * MiB));

        // The data at 6 MiB of the file lies past the range's end (5 MiB): none inside it.
        Assert.Equal(4 * MiB, range.NextDataOffset(1 * MiB + 4096, 4 * MiB));
        Assert.Equal(8 * MiB, range.NextDataOffset(1 * MiB + 4096, 8 * MiB));
        Assert.Equal(4 * MiB, range.NextHoleOffset(4 * MiB, 8 * MiB));
    }

    [Fact]
    public void A_source_that_knows_no_holes_may_hold_data_everywhere_in_the_range()
    {
        var range = new SubRangeSource(new MemorySource(new byte[4 * MiB]), MiB, 2 * MiB);

        Assert.Equal(0, range.NextDataOffset(0, 2 * MiB));
        Assert.Equal(2 * MiB, range.NextHoleOffset(0, 4 * MiB));
        Assert.Equal(2 * MiB, range.NextHoleOffset(0, 2 * MiB));
    }
}
