namespace SrRescue.Io.Zstd;

/// <summary>
/// The sequences section of a compressed block (RFC 8878 3.1.1.3.2) and their execution
/// (3.1.1.4): the sequence count, the three tables (predefined, RLE, FSE-described or repeated
/// from the previous block), then one backward bitstream with the three FSE states. Each
/// sequence copies literals, then a match; offsets 1-3 name the repeat offsets (3.1.1.5).
/// The tables and repeat offsets last for the frame.
/// </summary>
internal sealed class ZstdSequences
{
    private const string Structure = "zstd sequences section";

    private readonly FseTable literalLengthOwn = new(SequenceCodes.MaxLiteralLengthLog);
    private readonly FseTable matchLengthOwn = new(SequenceCodes.MaxMatchLengthLog);
    private readonly FseTable offsetOwn = new(SequenceCodes.MaxOffsetLog);
    private FseTable? literalLength;
    private FseTable? matchLength;
    private FseTable? offset;
    private int rep1;
    private int rep2;
    private int rep3;

    /// <summary>A new frame has no tables to repeat, and its repeat offsets start at 1, 4, 8.</summary>
    public void ResetFrame()
    {
        literalLength = matchLength = offset = null;
        rep1 = 1;
        rep2 = 4;
        rep3 = 8;
    }

    /// <summary>Decodes the section and writes the block's bytes.</summary>
    /// <param name="src">The rest of the compressed block after the literals section.</param>
    /// <param name="at">Absolute offset of <paramref name="src"/>.</param>
    /// <param name="written">Bytes of the frame decoded so far; advanced by this block's.</param>
    /// <param name="target">Where the block may write to, and the window.</param>
    public void Execute(ReadOnlySpan<byte> src, long at, ReadOnlySpan<byte> literals, Span<byte> output, ref int written, in BlockTarget target)
    {
        if (src.IsEmpty)
        {
            throw ZstdError.Truncated(Structure + " header", at, 1, 0);
        }

        int b0 = src[0];
        int count, pos;
        if (b0 < 128)
        {
            (count, pos) = (b0, 1);
        }
        else if (b0 < 255)
        {
            Need(src, 2, at);
            (count, pos) = (((b0 - 128) << 8) + src[1], 2);
        }
        else
        {
            Need(src, 3, at);
            (count, pos) = (src[1] + (src[2] << 8) + 0x7F00, 3);
        }

        if (count == 0)
        {
            if (pos != src.Length)
            {
                throw ZstdError.At(ZstdCodes.Sequences, Structure, at, $"no sequences, but {src.Length - pos} bytes follow the count");
            }

            CopyLiterals(literals, output, ref written, target, at);
            return;
        }

        Need(src, pos + 1, at);
        int modes = src[pos++];
        if ((modes & 3) != 0)
        {
            throw ZstdError.At(ZstdCodes.Sequences, Structure, at + pos - 1, $"the reserved bits of the compression modes byte 0x{modes:x2} are set");
        }

        pos += ReadTable(modes >> 6, src[pos..], at + pos, FseSymbols.LiteralLength, ref literalLength);
        pos += ReadTable((modes >> 4) & 3, src[pos..], at + pos, FseSymbols.Offset, ref offset);
        pos += ReadTable((modes >> 2) & 3, src[pos..], at + pos, FseSymbols.MatchLength, ref matchLength);
        Run(src[pos..], at + pos, count, literals, output, ref written, target);
    }

    private void Run(ReadOnlySpan<byte> stream, long at, int count, ReadOnlySpan<byte> literals, Span<byte> output, ref int written, in BlockTarget target)
    {
        const string Where = "zstd sequence bitstream";
        var ll = literalLength!.Cells;
        var ml = matchLength!.Cells;
        var of = offset!.Cells;
        var bits = new BackwardBitReader(stream, at, Where);
        var llState = (int)bits.Read(literalLength.Log);
        var ofState = (int)bits.Read(offset.Log);
        var mlState = (int)bits.Read(matchLength.Log);
        var end = target.End;
        var window = (long)Math.Min(target.WindowSize, int.MaxValue);
        var (r1, r2, r3) = (rep1, rep2, rep3);
        var litPos = 0;
        var pos = written;
        for (var i = 0; i < count; i++)
        {
            // A reload leaves 57 bits: offset (31) and match length (16) bits, then after another,
            // literals length (16) bits and the three state updates (9 + 9 + 8).
            bits.Reload();
            var llCell = ll[llState];
            var mlCell = ml[mlState];
            var ofCell = of[ofState];
            var offsetValue = ofCell.BaseValue + (long)bits.Read(ofCell.ExtraBits);
            var matchLen = (int)(mlCell.BaseValue + bits.Read(mlCell.ExtraBits));
            bits.Reload();
            var litLen = (int)(llCell.BaseValue + bits.Read(llCell.ExtraBits));
            if (i + 1 < count)
            {
                llState = llCell.Baseline + (int)bits.Read(llCell.NbBits);
                mlState = mlCell.Baseline + (int)bits.Read(mlCell.NbBits);
                ofState = ofCell.Baseline + (int)bits.Read(ofCell.NbBits);
            }

            // The match distance, and the repeat offsets updated (RFC 8878 3.1.1.5).
            int distance;
            if (offsetValue > 3)
            {
                if (offsetValue - 3 > window)
                {
                    throw ZstdError.At(ZstdCodes.Sequences, Where, at, $"sequence {i} has offset {offsetValue - 3}, beyond the window of {target.WindowSize} bytes");
                }

                distance = (int)(offsetValue - 3);
                (r3, r2, r1) = (r2, r1, distance);
            }
            else
            {
                // With no literals before the match, the repeat offsets are shifted by one.
                switch ((int)offsetValue - (litLen == 0 ? 0 : 1))
                {
                    case 0:
                        break;
                    case 1:
                        (r2, r1) = (r1, r2);
                        break;
                    case 2:
                        (r3, r2, r1) = (r2, r1, r3);
                        break;
                    default:
                        if (r1 == 1)
                        {
                            throw ZstdError.At(ZstdCodes.Sequences, Where, at, $"sequence {i} repeats offset 1 minus 1, which is 0");
                        }

                        (r3, r2, r1) = (r2, r1, r1 - 1);
                        break;
                }

                distance = r1;
            }

            if (litLen > literals.Length - litPos)
            {
                throw ZstdError.At(ZstdCodes.Sequences, Where, at, $"sequence {i} takes {litLen} literals, {literals.Length - litPos} are left");
            }

            if (litLen + matchLen > end - pos)
            {
                throw target.Overrun(pos, litLen + matchLen, at);
            }

            if (litLen != 0)
            {
                literals.Slice(litPos, litLen).CopyTo(output.Slice(pos, litLen));
                litPos += litLen;
                pos += litLen;
            }

            if (distance > pos)
            {
                throw ZstdError.At(ZstdCodes.Sequences, Where, at, $"sequence {i} copies from {distance} bytes back, but only {pos} bytes are decoded");
            }

            MatchCopy.Copy(output, pos, distance, matchLen);
            pos += matchLen;
        }

        bits.Reload();
        if (!bits.IsFinished)
        {
            throw ZstdError.At(ZstdCodes.Bitstream, Where, at, bits.IsOverflowed
                ? $"the bitstream ends before its {count} sequences are decoded"
                : $"bits are left in the bitstream after its {count} sequences");
        }

        (rep1, rep2, rep3) = (r1, r2, r3);
        written = pos;
        CopyLiterals(literals[litPos..], output, ref written, target, at);
    }

    private static void CopyLiterals(ReadOnlySpan<byte> literals, Span<byte> output, ref int written, in BlockTarget target, long at)
    {
        if (literals.Length > target.End - written)
        {
            throw target.Overrun(written, literals.Length, at);
        }

        literals.CopyTo(output[written..]);
        written += literals.Length;
    }

    /// <returns>The table description's length in bytes (0 for predefined and repeat).</returns>
    private int ReadTable(int mode, ReadOnlySpan<byte> src, long at, FseSymbols kind, ref FseTable? current)
    {
        var (name, own, predefined, maxSymbol, maxLog) = kind switch
        {
            FseSymbols.LiteralLength => ("literals length", literalLengthOwn, SequenceCodes.LiteralLengthPredefined, SequenceCodes.MaxLiteralLengthCode, SequenceCodes.MaxLiteralLengthLog),
            FseSymbols.MatchLength => ("match length", matchLengthOwn, SequenceCodes.MatchLengthPredefined, SequenceCodes.MaxMatchLengthCode, SequenceCodes.MaxMatchLengthLog),
            _ => ("offset", offsetOwn, SequenceCodes.OffsetPredefined, SequenceCodes.MaxOffsetCode, SequenceCodes.MaxOffsetLog),
        };
        var structure = $"zstd {name} table";
        switch (mode)
        {
            case 0:
                current = predefined;
                return 0;
            case 1:
                if (src.IsEmpty)
                {
                    throw ZstdError.Truncated(structure, at, 1, 0);
                }

                if (src[0] > maxSymbol)
                {
                    throw ZstdError.At(ZstdCodes.Sequences, structure, at, $"RLE code {src[0]} is above the largest {name} code, {maxSymbol}");
                }

                own.BuildRle(src[0], kind);
                current = own;
                return 1;
            case 2:
                Span<short> counts = stackalloc short[SequenceCodes.MaxMatchLengthCode + 1];
                var used = FseDescription.Read(src, at, structure, maxLog, maxSymbol, counts, out var log, out var symbols);
                own.Build(counts[..symbols], log, kind, at, structure);
                current = own;
                return used;
            default:
                return current is not null ? 0
                    : throw ZstdError.At(ZstdCodes.Sequences, structure, at, "repeat mode, but no earlier block of this frame has a table to repeat");
        }
    }

    private static void Need(ReadOnlySpan<byte> src, int length, long at)
    {
        if (length > src.Length)
        {
            throw ZstdError.Truncated(Structure + " header", at, length, src.Length);
        }
    }
}
