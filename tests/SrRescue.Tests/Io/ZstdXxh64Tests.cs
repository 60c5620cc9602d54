using System.Buffers.Binary;
using System.Text;
using SrRescue.Io.Zstd;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Io;

public sealed class ZstdXxh64Tests
{
    // xxHash's published values for seed 0.
    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    public void Matches_published_values(string text, ulong expected) =>
        Assert.Equal(expected, Xxh64.Hash(Encoding.ASCII.GetBytes(text)));

    /// <summary>zstd stores the low 32 bits of XXH64 in its frames: every length up to 100 (each tail path) and a few longer ones.</summary>
    [Fact]
    public void Matches_the_checksums_zstd_writes()
    {
        var inputs = Enumerable.Range(0, 101).Concat([255, 256, 1000, 4096, 65_537]).Select(n => ZstdSamples.Random(n, n)).ToList();
        var frames = ZstdCli.CompressEach(inputs);
        for (var i = 0; i < inputs.Count; i++)
        {
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(frames[i].AsSpan(frames[i].Length - 4));
            Assert.True(stored == (uint)Xxh64.Hash(inputs[i]), $"length {inputs[i].Length}");
        }
    }
}
