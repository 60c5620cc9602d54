namespace SrRescue.Io.Zstd;

/// <summary>
/// Where a block may write: up to <see cref="End"/> in the output, the nearer of the output's end
/// and the block maximum (RFC 8878 3.1.1.2.3: the smaller of the window and 128 KiB); matches
/// reach back at most <see cref="WindowSize"/>.
/// </summary>
internal readonly record struct BlockTarget(int BlockStart, int BlockMax, int OutputLength, ulong WindowSize)
{
    public int End => (int)Math.Min(OutputLength, (long)BlockStart + BlockMax);

    /// <summary>The error for writing <paramref name="count"/> bytes at <paramref name="pos"/>, past <see cref="End"/>.</summary>
    public Diagnostics.CorruptDataException Overrun(int pos, long count, long at) =>
        (long)BlockStart + BlockMax < OutputLength
            ? ZstdError.At(ZstdCodes.Block, "zstd block", at, $"the block decodes to more than its maximum of {BlockMax} bytes ({pos - BlockStart + count} or more)")
            : ZstdError.At(ZstdCodes.TooLarge, "zstd frame", at, $"the frame decodes to more than the {OutputLength} bytes the output holds ({pos + count} or more)");
}
