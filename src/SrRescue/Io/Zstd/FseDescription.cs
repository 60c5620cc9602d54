namespace SrRescue.Io.Zstd;

/// <summary>
/// Reads an FSE table description (RFC 8878 4.1.1): the accuracy log in 4 bits, then each
/// symbol's normalized probability in a variable number of bits (forward, little-endian bit
/// order), -1 meaning "less than 1", and after each 0 a run of further zeros in 2-bit repeat flags.
/// The probabilities (with -1 counting as 1) must fill the table exactly.
/// </summary>
internal static class FseDescription
{
    /// <param name="at">Absolute offset of <paramref name="src"/>, for errors.</param>
    /// <param name="counts">Receives the normalized count of each symbol; at least <paramref name="maxSymbol"/> + 1 long.</param>
    /// <param name="log">The table's accuracy log.</param>
    /// <param name="symbolCount">How many symbols the description gives (the last one's probability is not 0).</param>
    /// <returns>The description's length in bytes.</returns>
    public static int Read(ReadOnlySpan<byte> src, long at, string structure, int maxLog, int maxSymbol, Span<short> counts, out int log, out int symbolCount)
    {
        if (src.IsEmpty)
        {
            throw ZstdError.Truncated(structure, at, 1, 0);
        }

        log = (src[0] & 15) + 5;
        if (log > maxLog)
        {
            throw ZstdError.At(ZstdCodes.Fse, structure, at, $"accuracy log {log} is above this table's maximum of {maxLog}");
        }

        var bitPos = 4;
        var remaining = (1 << log) + 1;
        var threshold = 1 << log;
        var nbBits = log + 1;
        var symbol = 0;
        var previousZero = false;
        while (remaining > 1 && symbol <= maxSymbol)
        {
            if (previousZero)
            {
                int repeat;
                do
                {
                    repeat = Take(src, ref bitPos, 2);
                    if (symbol + repeat > maxSymbol)
                    {
                        throw ZstdError.At(ZstdCodes.Fse, structure, at + (bitPos >> 3), $"a run of zero probabilities goes past the largest symbol, {maxSymbol}");
                    }

                    for (var i = 0; i < repeat; i++)
                    {
                        counts[symbol++] = 0;
                    }
                }
                while (repeat == 3);
            }

            var max = (2 * threshold) - 1 - remaining;
            int value;
            var small = Peek(src, bitPos, nbBits - 1);
            if (small < max)
            {
                value = small;
                bitPos += nbBits - 1;
            }
            else
            {
                value = Peek(src, bitPos, nbBits);
                if (value >= threshold)
                {
                    value -= max;
                }

                bitPos += nbBits;
            }

            var count = value - 1;
            remaining -= Math.Abs(count);
            counts[symbol++] = (short)count;
            previousZero = count == 0;
            while (remaining < threshold)
            {
                nbBits--;
                threshold >>= 1;
            }
        }

        if (remaining != 1)
        {
            throw ZstdError.At(ZstdCodes.Fse, structure, at, $"the probabilities of symbols 0-{symbol - 1} do not fill the table of accuracy log {log} ({remaining - 1} of {1 << log} states left over)");
        }

        symbolCount = symbol;
        var length = (bitPos + 7) >> 3;
        return length <= src.Length ? length : throw ZstdError.Truncated(structure, at, length, src.Length);
    }

    private static int Take(ReadOnlySpan<byte> src, ref int bitPos, int n)
    {
        var v = Peek(src, bitPos, n);
        bitPos += n;
        return v;
    }

    /// <summary><paramref name="n"/> bits (at most 16) from <paramref name="bitPos"/>; bits past the end read as zeros, and the caller checks the length at the end.</summary>
    private static int Peek(ReadOnlySpan<byte> src, int bitPos, int n)
    {
        var first = bitPos >> 3;
        uint v = 0;
        for (var i = 0; i < 4 && first + i < src.Length; i++)
        {
            v |= (uint)src[first + i] << (8 * i);
        }

        return (int)((v >> (bitPos & 7)) & ((1u << n) - 1));
    }
}
