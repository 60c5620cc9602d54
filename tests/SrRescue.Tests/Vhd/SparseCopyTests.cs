using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// The sparse map of a VHD chain (ISparseSource: holes known from the BATs, without reading) and
/// the sparse copy that uses it: holes really read as zeros, the copy is exact and leaves holes.
/// </summary>
public sealed class SparseCopyTests
{
    [Fact]
    public void Holes_reported_by_every_chain_read_as_zeros()
    {
        var expected = Fixtures.Expected("snapshot_chain");
        var files = expected.GetProperty("vhd_files").EnumerateObject().Select(p => p.Name).ToList();
        var dir = VhdFiles.Extract("snapshot_chain", [.. files]);
        foreach (var file in files.Select(f => f[..^3]))
        {
            using var resolver = LvhdParentFiles.Resolver(dir);
            using var leaf = FileSource.Open(Path.Combine(dir, file));
            var chain = VhdChain.Open(leaf, file, resolver, new FindingLog());
            var disk = Assert.IsType<VhdVirtualDisk>(chain.Disk);
            long holes = 0;
            var buffer = new byte[2 << 20];
            for (long pos = 0; pos < disk.Length;)
            {
                var data = disk.NextDataOffset(pos, disk.Length);
                Assert.InRange(data, pos, disk.Length);
                for (var at = pos; at < data; at += buffer.Length)
                {
                    var n = (int)Math.Min(buffer.Length, data - at);
                    disk.ReadFullyAt(at, buffer.AsSpan(0, n));
                    Assert.False(buffer.AsSpan(0, n).ContainsAnyExcept((byte)0), $"{file}: hole at {at} holds data");
                }

                holes += data - pos;
                if (data >= disk.Length)
                {
                    break;
                }

                var hole = disk.NextHoleOffset(data, disk.Length);
                Assert.True(hole > data, $"{file}: no progress at {data}");
                Assert.True(hole % (2 << 20) == 0 || hole == disk.Length, $"{file}: hole at {hole} is not on a block boundary");
                pos = hole;
            }

            Assert.True(holes > 0, $"{file}: a snapshot chain fixture leaves some blocks unallocated everywhere");
        }
    }

    [Fact]
    public void Limits_are_respected_and_past_the_end_is_a_hole()
    {
        var dir = VhdFiles.Extract("vhd_damaged", "f-child.vhd.gz");
        using var f = FileSource.Open(Path.Combine(dir, "f-child.vhd"));
        var disk = new VhdVirtualDisk(VhdImage.Open(f, new FindingLog()), null);
        Assert.Equal(disk.Length + 10, disk.NextDataOffset(disk.Length, disk.Length + 10));
        Assert.Equal(disk.Length, disk.NextHoleOffset(disk.Length, disk.Length + 10));
        var first = disk.NextDataOffset(0, disk.Length);
        Assert.Equal(first, disk.NextDataOffset(0, first + 1));
        Assert.Equal(first, disk.NextDataOffset(0, first));
    }

    [Fact]
    public void Copy_of_a_plain_source_writes_only_non_zero_pages()
    {
        var bytes = new byte[(9 << 20) + 1000];
        bytes[5] = 1;                       // page 0
        bytes.AsSpan(8192, 8192).Fill(2);   // pages 2-3
        bytes[(4 << 20) + 4095] = 3;        // the last page of a chunk's first page run
        bytes[^1] = 4;                      // the partial last page
        var path = Path.Combine(Fixtures.NewTempDir(), "p.raw");
        long written;
        using (var output = OutputFile.Create(path, overwrite: false))
        {
            written = SparseCopy.Copy(new MemorySource(bytes), output);
            output.Commit();
        }

        Assert.Equal(4096 + 8192 + 4096 + 1000, written);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Converted_raw_is_sparse_and_a_cancelled_copy_stops()
    {
        var dir = VhdFiles.Extract("vhd_damaged", "f-child.vhd.gz", "f-parent.vhd.gz");
        using var resolver = LvhdParentFiles.Resolver(dir);
        using var leaf = FileSource.Open(Path.Combine(dir, "f-child.vhd"));
        var chain = VhdChain.Open(leaf, "f-child.vhd", resolver, new FindingLog());
        var path = Path.Combine(dir, "out.raw");
        using (var output = OutputFile.Create(path, overwrite: false))
        {
            SparseCopy.Copy(chain.Disk, output);
            output.Commit();
        }

        var blocks = long.Parse(ExternalTool.RunChecked("stat", "-c", "%b", path).StdOut.Trim());
        Assert.True(blocks * 512 < chain.Disk.Length / 2, $"{blocks} blocks allocated for {chain.Disk.Length} bytes");

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using (var again = OutputFile.Create(Path.Combine(dir, "cancelled.raw"), overwrite: false))
        {
            Assert.Throws<OperationCanceledException>(() => SparseCopy.Copy(chain.Disk, again, cancel: cancelled.Token));
        }

        // Never committed: nothing has the output's name, and the temporary file is gone.
        Assert.False(File.Exists(Path.Combine(dir, "cancelled.raw")));
        Assert.Empty(Directory.GetFiles(dir, "*.part"));
    }

    [Fact]
    public void A_read_error_in_any_worker_reaches_the_caller()
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "e.raw");
        using var output = OutputFile.Create(path, overwrite: false);
        var e = Assert.Throws<IOException>(() => SparseCopy.Copy(new FailingSource(64 << 20, failAt: 37 << 20), output));
        Assert.Contains("bad sector", e.Message);
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
}
