using System.Diagnostics;
using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;
using SrRescue.Lvm.Text;

namespace SrRescue.Tests.Lvm.Text;

/// <summary>
/// Corruption matrix for the text layer (DESIGN.md, tests 3): truncated copies, random bytes and
/// mutated real text give only findings (or CorruptDataException), never another exception, and
/// never hang. Whatever the parser returns must also write and re-parse to the same tree, and the
/// VG reader and diff must cope with it.
/// </summary>
public class ParserRobustnessTests
{
    /// <summary>Grammar characters: random text made of them reaches far more parser states than random bytes.</summary>
    private static readonly byte[] Alphabet = "{}[]=,\"'#\\\n\t .-+0123456789abpvx_\0"u8.ToArray();

    private static readonly VgMetadata Reference = LvmSamples.ModelOf(LvmSamples.S2Backup);

    /// <summary>Parse, read as VG, diff, write and re-parse: nothing may throw, and the round trip keeps the tree.</summary>
    private static void Survive(ReadOnlySpan<byte> input, long baseOffset = 512)
    {
        var watch = Stopwatch.StartNew();
        var log = new FindingLog();
        ConfigSection root;
        try
        {
            root = ConfigParser.Parse(input, baseOffset, log, "fuzz");
        }
        catch (CorruptDataException)
        {
            return;
        }

        var end = baseOffset + input.Length;
        Assert.All(log, f => Assert.InRange(f.Offset, baseOffset, end));
        var again = ConfigParser.Parse(Encoding.UTF8.GetBytes(ConfigWriter.Write(root)), 0, new FindingLog(), null);
        Assert.True(again.ContentEquals(root), "round trip changed the tree of: " + Encoding.UTF8.GetString(input));

        var vg = VgMetadataReader.Read(root, log, baseOffset, "fuzz");
        if (vg is not null)
        {
            _ = MetadataDiff.Compare(Reference, vg);
            _ = MetadataDiff.Compare(vg, Reference);
            foreach (var lv in vg.Lvs)
            {
                _ = lv.PhysicalRanges(vg);
            }
        }

        // A hang guard, not a speed test (speed is measured in bench/): quadratic work on the
        // 300,000-token inputs below takes minutes; a linear parse takes well under a second even
        // on a loaded machine, where a 1 s bound failed with nothing wrong.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"parse of {input.Length} bytes took {watch.Elapsed}");
    }

    [Fact]
    public void Every_prefix_of_a_real_copy()
    {
        var copy = LvmSamples.WrappedCopies[^1].Text;
        for (var length = 0; length <= copy.Length; length++)
        {
            Survive(copy.AsSpan(0, length));
        }
    }

    [Fact]
    public void Every_prefix_of_a_backup_file_with_striped_and_spanning_lvs()
    {
        var file = LvmSamples.Bytes(LvmSamples.S2Backup);
        for (var length = 0; length <= file.Length; length += 3)
        {
            Survive(file.AsSpan(0, length));
        }
    }

    [Fact]
    public void Random_bytes()
    {
        var random = new Random(20261121);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 2048)];
            random.NextBytes(bytes);
            Survive(bytes);
        }
    }

    [Fact]
    public void Random_grammar_characters()
    {
        var random = new Random(42);
        for (var i = 0; i < 1000; i++)
        {
            var bytes = new byte[random.Next(0, 512)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = Alphabet[random.Next(Alphabet.Length)];
            }

            Survive(bytes);
        }
    }

    [Fact]
    public void Random_mutations_of_real_text()
    {
        var random = new Random(7);
        var original = LvmSamples.Bytes(LvmSamples.S2Backup);
        for (var i = 0; i < 600; i++)
        {
            var bytes = new List<byte>(original);
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                var at = random.Next(bytes.Count);
                var b = random.Next(3) == 0 ? (byte)random.Next(256) : Alphabet[random.Next(Alphabet.Length)];
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = b;
                        break;
                    case 1:
                        bytes.Insert(at, b);
                        break;
                    default:
                        bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                        break;
                }
            }

            Survive(bytes.ToArray());
        }
    }

    [Theory]
    [InlineData("{", 200_000)]
    [InlineData("a {", 200_000)]
    [InlineData("a = [", 100_000)]
    [InlineData("]", 200_000)]
    [InlineData("\"", 1)]
    [InlineData("\\", 300_000)]
    [InlineData("a = \"\\", 100_000)]
    [InlineData("x = 1\n", 100_000)]
    [InlineData("1.1.1", 100_000)]
    public void Pathological_repetitions_finish_quickly(string unit, int count)
    {
        Survive(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(unit, count))));
    }
}
