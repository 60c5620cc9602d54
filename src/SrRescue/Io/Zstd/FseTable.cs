using System.Numerics;

namespace SrRescue.Io.Zstd;

/// <summary>
/// An FSE decoding table (RFC 8878 4.1.1), built from normalized probabilities or as the
/// one-state table of RLE_Mode. Its cells are sized once for the largest accuracy log the table
/// may have and rebuilt in place.
/// </summary>
internal sealed class FseTable
{
    private readonly FseCell[] cells;
    private readonly byte[] symbols;
    private readonly int maxLog;

    public FseTable(int maxLog)
    {
        this.maxLog = maxLog;
        cells = new FseCell[1 << maxLog];
        symbols = new byte[1 << maxLog];
    }

    /// <summary>The accuracy log: states are 0 to 2^Log - 1, and the first state is read in Log bits.</summary>
    public int Log { get; private set; }

    /// <summary>The cells, indexed by state; only the first 2^<see cref="Log"/> are this table's.</summary>
    public ReadOnlySpan<FseCell> Cells => cells;

    /// <summary>RLE_Mode: every state decodes <paramref name="symbol"/> and reads no bits.</summary>
    public void BuildRle(int symbol, FseSymbols kind)
    {
        var (value, extra) = SequenceCodes.Meaning(kind, symbol);
        cells[0] = new FseCell(0, 0, extra, value);
        Log = 0;
    }

    /// <param name="counts">Normalized counts of symbols 0 to counts.Length - 1 (-1: less than 1), summing to 2^<paramref name="log"/>.</param>
    /// <param name="at">Absolute offset of the description, for errors.</param>
    public void Build(ReadOnlySpan<short> counts, int log, FseSymbols kind, long at, string structure)
    {
        if (log > maxLog)
        {
            throw ZstdError.At(ZstdCodes.Fse, structure, at, $"accuracy log {log} is above this table's maximum of {maxLog}");
        }

        var size = 1 << log;
        Span<ushort> next = stackalloc ushort[counts.Length];
        var high = size - 1;
        for (var s = 0; s < counts.Length; s++)
        {
            if (counts[s] == -1)
            {
                symbols[high--] = (byte)s;
                next[s] = 1;
            }
            else
            {
                next[s] = (ushort)counts[s];
            }
        }

        var mask = size - 1;
        var step = (size >> 1) + (size >> 3) + 3;
        var position = 0;
        for (var s = 0; s < counts.Length; s++)
        {
            for (var i = 0; i < counts[s]; i++)
            {
                symbols[position] = (byte)s;
                do
                {
                    position = (position + step) & mask;
                }
                while (position > high);
            }
        }

        if (position != 0)
        {
            throw ZstdError.At(ZstdCodes.Fse, structure, at, "the probabilities do not spread over the table (the spread did not end at state 0)");
        }

        for (var state = 0; state < size; state++)
        {
            var symbol = symbols[state];
            int nextState = next[symbol]++;
            var nbBits = log - BitOperations.Log2((uint)nextState);
            var (value, extra) = SequenceCodes.Meaning(kind, symbol);
            cells[state] = new FseCell((ushort)((nextState << nbBits) - size), (byte)nbBits, extra, value);
        }

        Log = log;
    }
}
