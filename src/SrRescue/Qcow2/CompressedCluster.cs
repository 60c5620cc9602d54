using System.IO.Compression;
using SrRescue.Diagnostics;
using SrRescue.Io.Zstd;

namespace SrRescue.Qcow2;

/// <summary>
/// Inflates one compressed cluster (qcow2.txt, "Compressed Clusters Descriptor"). qemu writes raw
/// deflate (zlib window bits -12, no zlib header) by default, or one zstd frame with compression
/// type 1; the bytes after the stream up to the end of its last sector are slack. The result must
/// fill the cluster exactly, as qemu requires.
/// </summary>
internal static class CompressedCluster
{
    public const byte Deflate = 0;
    public const byte Zstd = 1;

    /// <summary>Fills <paramref name="cluster"/> from <paramref name="compressed"/>; false with the reason when it cannot.</summary>
    public static bool TryInflate(ReadOnlySpan<byte> compressed, Span<byte> cluster, byte compressionType, out string problem)
    {
        problem = "";
        return compressionType switch
        {
            Deflate => TryDeflate(compressed, cluster, out problem),
            Zstd => TryZstd(compressed, cluster, out problem),
            _ => Fail($"compression type {compressionType} is unknown", out problem),
        };
    }

    private static bool TryDeflate(ReadOnlySpan<byte> compressed, Span<byte> cluster, out string problem)
    {
        problem = "";
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using var inflater = new DeflateStream(input, CompressionMode.Decompress);
            var done = 0;
            while (done < cluster.Length)
            {
                var n = inflater.Read(cluster[done..]);
                if (n == 0)
                {
                    break;
                }

                done += n;
            }

            return done == cluster.Length || Fail($"the deflate stream ends after {done} of {cluster.Length} bytes", out problem);
        }
        catch (InvalidDataException e)
        {
            return Fail($"the deflate stream is damaged ({e.Message})", out problem);
        }
    }

    private static bool TryZstd(ReadOnlySpan<byte> compressed, Span<byte> cluster, out string problem)
    {
        problem = "";
        try
        {
            // qemu's frames carry no content size: a frame that ends short of the cluster is damage.
            var done = ZstdDecompressor.DecompressFrame(compressed, cluster);
            return done == cluster.Length || Fail($"the zstd frame ends after {done} of {cluster.Length} bytes", out problem);
        }
        catch (CorruptDataException e)
        {
            return Fail($"the zstd frame is damaged ({e.Finding.Message} at byte {e.Finding.Offset} of the frame)", out problem);
        }
    }

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}
