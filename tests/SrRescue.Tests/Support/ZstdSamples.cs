using System.Text;

namespace SrRescue.Tests.Support;

/// <summary>
/// Deterministic inputs that make zstd use each part of the format: random bytes (raw blocks and
/// raw literals), zeros (RLE blocks), repetitive text (Huffman literals, FSE sequences), literals
/// mixed with long matches, and disk-like data (zero runs, text, random and repeated sectors).
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
