using System.Numerics;

namespace SrRescue.Io.Zstd;

/// <summary>
/// The Huffman decoding table of the literals (RFC 8878 4.2): read from a tree description
/// (weights sent FSE-compressed or as 4-bit numbers, the last weight implied), and laid out as a
/// lookup of <see cref="MaxBits"/> bits that gives each prefix's symbol and code length.
/// </summary>
internal sealed class HuffmanTable
{
    /// <summary>The longest code the format allows (Max_Number_of_Bits).</summary>
    public const int MaxCodeBits = 11;

    private const int MaxWeight = 11;
    private const int MaxWeightLog = 6;
    private const int MaxWeights = 255;
    private const string Structure = "zstd Huffman tree description";

    /// <summary>Each cell: the symbol in the high byte, the code length in the low byte.</summary>
    private readonly ushort[] cells = new ushort[1 << MaxCodeBits];
    private readonly byte[] weights = new byte[MaxWeights + 1];
    private readonly FseTable weightTable = new(MaxWeightLog);

    /// <summary>The longest code of this table: how many bits a lookup takes.</summary>
    public int MaxBits { get; private set; }

    /// <summary>The cells, indexed by the next <see cref="MaxBits"/> bits of the stream.</summary>
    public ReadOnlySpan<ushort> Cells => cells;

    /// <summary>Reads a tree description and builds the table from it.</summary>
    /// <param name="at">Absolute offset of <paramref name="src"/>.</param>
    /// <returns>The description's length in bytes.</returns>
    public int Read(ReadOnlySpan<byte> src, long at)
    {
        if (src.IsEmpty)
        {
            throw ZstdError.Truncated(Structure, at, 1, 0);
        }

        int header = src[0];
        int count, length;
        if (header >= 128)
        {
            count = header - 127;
            length = 1 + ((count + 1) / 2);
            if (length > src.Length)
            {
                throw ZstdError.Truncated(Structure, at, length, src.Length);
            }

            for (var i = 0; i < count; i++)
            {
                var b = src[1 + (i / 2)];
                weights[i] = (byte)((i & 1) == 0 ? b >> 4 : b & 15);
            }
        }
        else
        {
            length = 1 + header;
            if (length > src.Length)
            {
                throw ZstdError.Truncated(Structure, at, length, src.Length);
            }

            count = DecodeWeights(src.Slice(1, header), at + 1);
        }

        Build(count, at);
        return length;
    }

    /// <summary>FSE-compressed weights: one table, two states taking turns over one backward bitstream, until it runs out.</summary>
    private int DecodeWeights(ReadOnlySpan<byte> src, long at)
    {
        Span<short> counts = stackalloc short[MaxWeight + 1];
        var used = FseDescription.Read(src, at, Structure, MaxWeightLog, MaxWeight, counts, out var log, out var symbols);
        weightTable.Build(counts[..symbols], log, FseSymbols.Weight, at, Structure);
        var table = weightTable.Cells;
        var bits = new BackwardBitReader(src[used..], at + used, Structure);
        var state1 = (int)bits.Read(log);
        var state2 = (int)bits.Read(log);
        var n = 0;
        while (true)
        {
            ThrowIfFull(n, at);
            weights[n++] = (byte)table[state1].BaseValue;
            state1 = table[state1].Baseline + (int)bits.Read(table[state1].NbBits);
            bits.Reload();
            if (bits.IsOverflowed)
            {
                weights[n++] = (byte)table[state2].BaseValue;
                return n;
            }

            ThrowIfFull(n, at);
            weights[n++] = (byte)table[state2].BaseValue;
            state2 = table[state2].Baseline + (int)bits.Read(table[state2].NbBits);
            bits.Reload();
            if (bits.IsOverflowed)
            {
                weights[n++] = (byte)table[state1].BaseValue;
                return n;
            }
        }
    }

    private static void ThrowIfFull(int n, long at)
    {
        if (n > MaxWeights - 2)
        {
            throw ZstdError.At(ZstdCodes.Huffman, Structure, at, $"the compressed weights decode to more than {MaxWeights} symbols");
        }
    }

    /// <summary>
    /// Completes the weights with the implied last one and lays out the codes: by increasing
    /// weight, then symbol, each symbol of weight w taking 2^(w-1) cells.
    /// </summary>
    private void Build(int count, long at)
    {
        Span<int> perWeight = stackalloc int[MaxWeight + 2];
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            var w = weights[i];
            if (w > MaxWeight)
            {
                throw ZstdError.At(ZstdCodes.Huffman, Structure, at, $"symbol {i} has weight {w}, above the maximum of {MaxWeight}");
            }

            total += (1 << w) >> 1;
            perWeight[w]++;
        }

        if (total == 0)
        {
            throw ZstdError.At(ZstdCodes.Huffman, Structure, at, "every weight is 0");
        }

        var maxBits = BitOperations.Log2((uint)total) + 1;
        if (maxBits > MaxCodeBits)
        {
            throw ZstdError.At(ZstdCodes.Huffman, Structure, at, $"the weights need codes of {maxBits} bits, above the maximum of {MaxCodeBits}");
        }

        var rest = (1 << maxBits) - total;
        if (!BitOperations.IsPow2(rest))
        {
            throw ZstdError.At(ZstdCodes.Huffman, Structure, at, $"the weights leave {rest} of {1 << maxBits} codes, not a power of two, for the last symbol");
        }

        var last = BitOperations.Log2((uint)rest) + 1;
        weights[count] = (byte)last;
        perWeight[last]++;
        if (perWeight[1] < 2 || (perWeight[1] & 1) != 0)
        {
            throw ZstdError.At(ZstdCodes.Huffman, Structure, at, $"{perWeight[1]} symbols have the longest code; a complete prefix code has an even number, at least 2");
        }

        Span<int> next = stackalloc int[MaxWeight + 2];
        var position = 0;
        for (var w = 1; w <= maxBits; w++)
        {
            next[w] = position;
            position += perWeight[w] << (w - 1);
        }

        for (var symbol = 0; symbol <= count; symbol++)
        {
            var w = weights[symbol];
            if (w == 0)
            {
                continue;
            }

            var cell = (ushort)((symbol << 8) | (maxBits + 1 - w));
            cells.AsSpan(next[w], 1 << (w - 1)).Fill(cell);
            next[w] += 1 << (w - 1);
        }

        MaxBits = maxBits;
    }
}
