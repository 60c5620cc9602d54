using System.Text;

namespace SrRescue.Tests.Support;

/// <summary>
/// Deterministic inputs that make zstd use each part of the format: random bytes (raw blocks and
/// raw literals), zeros (RLE blocks), repetitive text (Huffman literals, FSE sequences), literals
/// mixed with long matches, and disk-like data (zero runs, text, random and repeated sectors);
/// and a few that make it use the rarer forms: 4-bit Huffman weights (nibbles), RLE literals
/// lengths (tokens, at -19), RLE match lengths (counter), RLE literals (pattern, at -19).
/// </summary>
internal static class ZstdSamples
{
    private static readonly string[] Words =
    [
        "the", "volume", "group", "extent", "metadata", "header", "logical", "physical", "sector", "block",
        "snapshot", "parent", "footer", "checksum", "cluster", "offset", "length", "table", "entry", "xen",
        "storage", "repository", "vdi", "vhd", "lvm", "=", "{", "}", "\n", "\t", "0", "1", "2", "42", "4096",
    ];

    public static byte[] Make(string kind, int length, int seed = 1) => kind switch
    {
        "random" => Random(length, seed),
        "zeros" => new byte[length],
        "text" => Text(length, seed),
        "mixed" => Mixed(length, seed),
        "disk" => Disk(length, seed),
        "bytes" => FewSymbols(length, seed),
        "nibbles" => Nibbles(length, seed),
        "tokens" => Tokens(length, seed),
        "counter" => Counter(length),
        "pattern" => Pattern(length, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown sample kind"),
    };

    public static byte[] Random(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    public static byte[] Text(int length, int seed)
    {
        var r = new Random(seed);
        var sb = new StringBuilder(length + 16);
        while (sb.Length < length)
        {
            sb.Append(Words[r.Next(Words.Length)]).Append(r.Next(8) == 0 ? ", " : " ");
        }

        return Encoding.ASCII.GetBytes(sb.ToString(0, length));
    }

    /// <summary>Few distinct byte values with skewed frequencies (small Huffman alphabets).</summary>
    public static byte[] FewSymbols(int length, int seed)
    {
        var r = new Random(seed);
        var b = new byte[length];
        for (var i = 0; i < length; i++)
        {
            var x = r.Next(100);
            b[i] = (byte)(x < 60 ? 'a' : x < 85 ? 'b' : x < 95 ? 'c' : 'd');
        }

        return b;
    }

    /// <summary>Bytes 0-15, smaller ones more often: a Huffman alphabet too small for FSE-compressed weights to pay.</summary>
    public static byte[] Nibbles(int length, int seed)
    {
        var r = new Random(seed);
        var b = new byte[length];
        for (var i = 0; i < length; i++)
        {
            b[i] = (byte)Math.Min(15, (int)(-Math.Log(1 - r.NextDouble()) * 3));
        }

        return b;
    }

    /// <summary>A random byte, then "abc", over and over: every sequence has one literal.</summary>
    public static byte[] Tokens(int length, int seed)
    {
        var r = new Random(seed);
        var b = new byte[length];
        for (var i = 0; i < length; i++)
        {
            b[i] = i % 4 == 0 ? (byte)r.Next(256) : (byte)"abc"[(i % 4) - 1];
        }

        return b;
    }

    /// <summary>Little-endian 32-bit integers counting up.</summary>
    public static byte[] Counter(int length)
    {
        var b = new byte[length];
        for (var i = 0; i + 4 <= length; i += 4)
        {
            BitConverter.TryWriteBytes(b.AsSpan(i), i / 4);
        }

        return b;
    }

    /// <summary>One random kilobyte again and again, each copy with a "Z" put in somewhere: the only literals are Zs.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var r = new Random(seed);
        var p = new byte[1000];
        r.NextBytes(p);
        var b = new byte[length];
        var pos = 0;
        while (pos < length)
        {
            var k = r.Next(p.Length);
            byte[] copy = [.. p.AsSpan(0, k), (byte)'Z', .. p.AsSpan(k)];
            var n = Math.Min(copy.Length, length - pos);
            copy.AsSpan(0, n).CopyTo(b.AsSpan(pos));
            pos += n;
        }

        return b;
    }

    /// <summary>Random runs and copies of earlier stretches, near and far, short and long.</summary>
    public static byte[] Mixed(int length, int seed)
    {
        var r = new Random(seed);
        var b = new byte[length];
        var pos = 0;
        while (pos < length)
        {
            var n = Math.Min(length - pos, r.Next(1, 300));
            if (pos < 64 || r.Next(3) == 0)
            {
                r.NextBytes(b.AsSpan(pos, n));
            }
            else
            {
                var distance = r.Next(4) == 0 ? r.Next(1, 16) : r.Next(1, pos + 1);
                n = Math.Min(length - pos, r.Next(3, r.Next(2) == 0 ? 40 : 5000));
                for (var i = 0; i < n; i++)
                {
                    b[pos + i] = b[pos + i - distance];
                }
            }

            pos += n;
        }

        return b;
    }

    /// <summary>4 KiB sectors of zeros, text, random bytes, small-integer tables or a copy of an earlier sector.</summary>
    public static byte[] Disk(int length, int seed)
    {
        var r = new Random(seed);
        var b = new byte[length];
        for (var pos = 0; pos < length; pos += 4096)
        {
            var n = Math.Min(4096, length - pos);
            var sector = b.AsSpan(pos, n);
            switch (r.Next(6))
            {
                case 0:
                    break;
                case 1:
                    Text(n, r.Next()).CopyTo(sector);
                    break;
                case 2:
                    r.NextBytes(sector);
                    break;
                case 3:
                    for (var i = 0; i + 4 <= n; i += 4)
                    {
                        BitConverter.TryWriteBytes(sector[i..], (i * 7) + r.Next(4));
                    }

                    break;
                default:
                    if (pos > 0)
                    {
                        var from = r.Next(pos / 4096) * 4096;
                        b.AsSpan(from, n).CopyTo(sector);
                        sector[r.Next(n)] ^= 0x5A;
                    }

                    break;
            }
        }

        return b;
    }
}
