using System.Buffers.Binary;
using SrRescue.Io.Zstd;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Io;

/// <summary>
/// The frames qemu writes: a raw disk converted by qemu-img to a compressed qcow2 with
/// compression_type=zstd, each compressed cluster read as qemu reads it (whole 512-byte sectors
/// from the cluster descriptor, so the frame is followed by slack) and decoded into a cluster.
/// </summary>
public sealed class ZstdQcow2ClusterTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(21)]
    public void Compressed_clusters_qemu_img_writes_decode_to_the_disk(int clusterBits)
    {
        var qemuImg = ExternalTool.Require("qemu-img", "qemu-utils");
        var dir = Fixtures.NewTempDir();
        var raw = Path.Combine(dir, "disk.raw");
        var qcow2 = Path.Combine(dir, "disk.qcow2");
        var disk = ZstdSamples.Disk(8 << 20, 23);
        File.WriteAllBytes(raw, disk);
        ExternalTool.RunChecked(qemuImg, "convert", "-c", "-f", "raw", "-O", "qcow2", "-o", $"compression_type=zstd,cluster_size={1 << clusterBits}", raw, qcow2);
        var image = File.ReadAllBytes(qcow2);

        Assert.Equal(0x514649FBu, BinaryPrimitives.ReadUInt32BigEndian(image));
        Assert.Equal(clusterBits, (int)BinaryPrimitives.ReadUInt32BigEndian(image.AsSpan(20)));
        Assert.Equal(1, image[104]); // compression type zstd
        var clusterSize = 1 << clusterBits;
        var l1Size = (int)BinaryPrimitives.ReadUInt32BigEndian(image.AsSpan(36));
        var l1At = (int)BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan(40));
        var sizeShift = 62 - (clusterBits - 8);
        var sizeMask = (1L << (clusterBits - 8)) - 1;
        var cluster = new byte[clusterSize];
        var compressed = 0;
        for (var l1 = 0; l1 < l1Size; l1++)
        {
            var l2At = (int)(BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan(l1At + (8 * l1))) & 0x00FFFFFFFFFFFE00);
            if (l2At == 0)
            {
                continue;
            }

            for (var l2 = 0; l2 < clusterSize / 8; l2++)
            {
                var entry = (long)BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan(l2At + (8 * l2)));
                if ((entry & (1L << 62)) == 0)
                {
                    continue;
                }

                var at = entry & ((1L << sizeShift) - 1);
                var sectors = ((entry >> sizeShift) & sizeMask) + 1;
                var length = (int)Math.Min((sectors * 512) - (at & 511), image.Length - at);
                var guest = (((long)l1 * (clusterSize / 8)) + l2) * clusterSize;
                Array.Clear(cluster);
                var n = ZstdDecompressor.DecompressFrame(image.AsSpan((int)at, length), cluster, at);
                var expected = disk.AsSpan((int)guest, (int)Math.Min(clusterSize, disk.Length - guest));
                Assert.Equal(expected.Length, n);
                Assert.True(cluster.AsSpan(0, n).SequenceEqual(expected), $"cluster at guest offset {guest} (image offset {at}) decodes to other bytes");
                compressed++;
            }
        }

        Assert.True(compressed >= 4, $"only {compressed} compressed clusters in the image");
    }
}
