using System.Text;
using SrRescue.Io;

namespace SrRescue.Tests.Io;

public sealed class Sha256Tests
{
    // FIPS 180-4 example digests (NIST CSRC "SHA-256" examples), also what sha256sum prints.
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Matches_the_standard_examples(string text, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha256.HashData(Encoding.ASCII.GetBytes(text))));

    // Every tail length (one padding block or two, the length field on a block edge) and several
    // whole blocks, against the platform's SHA-256.
    [Fact]
    public void Matches_the_platform_for_every_length_up_to_three_blocks_and_a_large_input()
    {
        var random = new Random(20251207);
        var data = new byte[1 << 20];
        random.NextBytes(data);
        for (var length = 0; length <= 192; length++)
        {
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data.AsSpan(0, length)), Sha256.HashData(data.AsSpan(0, length)));
        }

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.HashData(data));
    }

    // Appended in pieces of any size (inside a block, across block edges, empty ones) it gives the
    // digest of the whole, as the dom0 manifest check feeds it 1 MiB at a time.
    [Fact]
    public void Appending_in_pieces_gives_the_digest_of_the_whole()
    {
        var random = new Random(7);
        var data = new byte[300_000];
        random.NextBytes(data);
        for (var trial = 0; trial < 50; trial++)
        {
            var length = random.Next(data.Length);
            var hash = new Sha256();
            for (var at = 0; at < length;)
            {
                var piece = Math.Min(length - at, random.Next(4) == 0 ? random.Next(130) : random.Next(70_000));
                hash.Append(data.AsSpan(at, piece));
                at += piece;
            }

            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data.AsSpan(0, length)), hash.Finish());
        }
    }
}
