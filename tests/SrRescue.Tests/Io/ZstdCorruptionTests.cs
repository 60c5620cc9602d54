using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io.Zstd;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Io;

/// <summary>
/// Damaged Zstandard frames end in a <see cref="CorruptDataException"/>, never another exception,
/// a hang or wrong bytes returned as good where the frame has a checksum.
/// </summary>
public sealed class ZstdCorruptionTests
{
    private static readonly Lazy<(string Name, byte[] Data, byte[] Frame)[]> Bases = new(() =>
    [
        Base("text -19", ZstdSamples.Text(8000, 11), "-19"),
        Base("mixed -3", ZstdSamples.Mixed(20_000, 12), "-3"),
        Base("disk -1", ZstdSamples.Disk(65536, 13), "-1"),
        Base("disk -3 no-check", ZstdSamples.Disk(65536, 14), "-3", "--no-check"),
        Base("multi-block -19 no-check", ZstdSamples.Mixed(300_000, 15), "-19", "--no-check"),
        Base("random raw", ZstdSamples.Random(3000, 16), "-3"),
        Base("zeros rle", new byte[200_000], "-3"),
        Base("few symbols", ZstdSamples.FewSymbols(2000, 17), "-3", "--no-check"),
    ]);

    private static (string, byte[], byte[]) Base(string name, byte[] data, params string[] args) => (name, data, ZstdCli.Compress(data, args));

    [Fact]
    public void Every_truncation_is_refused()
    {
        foreach (var (name, data, frame) in Bases.Value)
        {
            var step = Math.Max(1, frame.Length / 300);
            var cuts = Enumerable.Range(0, frame.Length / step).Select(i => i * step).Concat(Enumerable.Range(Math.Max(0, frame.Length - 20), Math.Min(20, frame.Length)));
            foreach (var cut in cuts.Distinct())
            {
                var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame.AsSpan(0, cut), new byte[data.Length]));
                Assert.True(e.Finding.Code == ZstdCodes.Truncated, $"{name} cut at {cut}: {e.Message}");
            }
        }
    }

    [Fact]
    public void Damaged_header_fields_are_refused()
    {
        var data = ZstdSamples.Text(5000, 18);
        var frame = ZstdCli.Compress(data, "-3");
        Assert.Equal(0x20, frame[4] & 0x20); // single segment, 2-byte content size, at byte 5
        var output = new byte[data.Length * 2];

        void Refused(string code, Action<byte[]> damage)
        {
            var copy = (byte[])frame.Clone();
            damage(copy);
            var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(copy, output));
            Assert.Equal(code, e.Finding.Code);
        }

        Refused(ZstdCodes.Magic, f => f[0] ^= 0x01);
        Refused(ZstdCodes.Magic, f => f[3] ^= 0x80);
        Refused(ZstdCodes.Header, f => f[4] |= 0x08);
        Refused(ZstdCodes.ContentSize, f => f[5] += 1);
        Refused(ZstdCodes.TooLarge, f => f[6] += 0x40);
        var block = ZstdFrameHeader.Read(frame, 0).Length;
        Refused(ZstdCodes.Block, f => f[block] |= 0x06); // block type 3, reserved
        Refused(ZstdCodes.Block, f => f[block + 2] = 0xFF); // a size over the block maximum
    }

    [Fact]
    public void A_huge_frame_content_size_is_refused_before_decoding()
    {
        var data = ZstdSamples.Text(5000, 19);
        var frame = ZstdFrames.WithHeader(ZstdCli.Compress(data, "-3"), single: false, sizeFlag: 3, idFlag: 0, dictionaryId: 0)!;
        var sizeAt = ZstdFrameHeader.Read(frame, 0).Length - 8;
        foreach (var size in new[] { 1UL << 62, ulong.MaxValue, (ulong)int.MaxValue + 1, (ulong)data.Length + 1 })
        {
            BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(sizeAt), size);
            var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(frame, new byte[data.Length + 1]));
            Assert.Equal(size == (ulong)data.Length + 1 ? ZstdCodes.ContentSize : ZstdCodes.TooLarge, e.Finding.Code);
        }
    }

    [Fact]
    public void A_checksum_mismatch_is_refused()
    {
        var data = ZstdSamples.Disk(65536, 20);
        var frame = ZstdCli.Compress(data, "-3");
        for (var i = 1; i <= 4; i++)
        {
            var copy = (byte[])frame.Clone();
            copy[^i] ^= 0x10;
            var e = Assert.Throws<CorruptDataException>(() => ZstdDecompressor.DecompressFrame(copy, new byte[data.Length]));
            Assert.Equal(ZstdCodes.Checksum, e.Finding.Code);
            Assert.Equal(frame.Length - 4, e.Finding.Offset);
            Assert.NotEqual(e.Finding.Stored, e.Finding.Computed);
        }
    }

    /// <summary>
    /// Single-bit flips of frames with a checksum, every bit of the first and last 32 bytes and
    /// 3000 spread over the rest: each is refused, or (a bit the decoder does not read, such as the
    /// unused bit of the header descriptor) decodes to the original.
    /// </summary>
    [Fact]
    public void Bit_flips_of_a_checked_frame_are_refused_or_harmless()
    {
        foreach (var (name, data, frame) in Bases.Value.Where(b => (b.Frame[4] & 4) != 0))
        {
            var output = new byte[data.Length];
            var bitCount = frame.Length * 8;
            var step = Math.Max(1, bitCount / 3000);
            var bits = Enumerable.Range(0, Math.Min(bitCount, 256))
                .Concat(Enumerable.Range(Math.Max(0, bitCount - 256), Math.Min(bitCount, 256)))
                .Concat(Enumerable.Range(0, bitCount / step).Select(i => (i * step) + (i % 8)).Where(b => b < bitCount))
                .Distinct().ToList();
            var refused = 0;
            foreach (var bit in bits)
            {
                var copy = (byte[])frame.Clone();
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
                try
                {
                    var n = ZstdDecompressor.DecompressFrame(copy, output);
                    Assert.True(n == data.Length && output.AsSpan().SequenceEqual(data), $"{name}: flipping bit {bit} decodes to other bytes without an error");
                }
                catch (CorruptDataException)
                {
                    refused++;
                }
            }

            Assert.True(refused > bits.Count * 9 / 10, $"{name}: only {refused} of {bits.Count} flips refused");
        }
    }

    /// <summary>
    /// A few thousand mutated frames (deterministic seed): bits flipped, bytes set, cut, inserted,
    /// deleted, copied from elsewhere, with outputs of several sizes. Only the library's
    /// exception may come out, and the whole run is bounded in time, so a loop would show.
    /// </summary>
    [Fact]
    public void Mutated_frames_give_only_the_corruption_exception()
    {
        const int Cases = 4000;
        var failures = new List<string>();
        var bases = Bases.Value;
        var worker = new Thread(() =>
        {
            for (var n = 0; n < Cases; n++)
            {
                var random = new Random(HashCode.Combine(7, n) & int.MaxValue);
                var (name, data, frame) = bases[n % bases.Length];
                var (mutated, how) = Mutate(frame, random);
                var output = new byte[random.Next(4) switch { 0 => random.Next(data.Length + 1), 1 => data.Length + random.Next(100_000), _ => data.Length }];
                try
                {
                    ZstdDecompressor.DecompressFrame(mutated, output);
                }
                catch (CorruptDataException)
                {
                }
                catch (Exception e)
                {
                    failures.Add($"case {n} ({name}, {how}, output {output.Length}): {e.GetType().Name}: {e.Message}");
                }
            }
        })
        { IsBackground = true };
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromSeconds(120)), "the fuzz run did not finish in 120 s: a mutated frame hangs the decoder");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    private static (byte[] Frame, string How) Mutate(byte[] frame, Random random)
    {
        var f = new List<byte>(frame);
        var how = new List<string>();
        var steps = 1 + random.Next(3);
        for (var s = 0; s < steps && f.Count > 0; s++)
        {
            var at = random.Next(f.Count);
            switch (random.Next(7))
            {
                case 0:
                    f[at] ^= (byte)(1 << random.Next(8));
                    how.Add($"flip@{at}");
                    break;
                case 1:
                    f[at] = (byte)random.Next(256);
                    how.Add($"set@{at}");
                    break;
                case 2:
                    f.RemoveRange(at, f.Count - at);
                    how.Add($"cut@{at}");
                    break;
                case 3:
                    var insert = new byte[1 + random.Next(16)];
                    random.NextBytes(insert);
                    f.InsertRange(at, insert);
                    how.Add($"insert{insert.Length}@{at}");
                    break;
                case 4:
                    var delete = Math.Min(f.Count - at, 1 + random.Next(16));
                    f.RemoveRange(at, delete);
                    how.Add($"delete{delete}@{at}");
                    break;
                case 5:
                    var from = random.Next(f.Count);
                    var length = Math.Min(Math.Min(f.Count - from, f.Count - at), 1 + random.Next(64));
                    var chunk = f.GetRange(from, length);
                    for (var i = 0; i < length; i++)
                    {
                        f[at + i] = chunk[i];
                    }

                    how.Add($"copy{length}@{from}->{at}");
                    break;
                default:
                    var fill = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                    var run = Math.Min(f.Count - at, 1 + random.Next(32));
                    for (var i = 0; i < run; i++)
                    {
                        f[at + i] = fill;
                    }

                    how.Add($"fill{run}x{fill:x2}@{at}");
                    break;
            }
        }

        return ([.. f], string.Join(",", how));
    }
}
