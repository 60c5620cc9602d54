namespace SrRescue.Io.Zstd;

/// <summary>
/// One state of an FSE decoding table (RFC 8878 4.1.1): the next state is
/// <see cref="Baseline"/> plus <see cref="NbBits"/> bits read, and the state's symbol is already
/// turned into what the decoder needs: a value base and how many extra bits to add to it
/// (for a Huffman weight, the weight itself and no extra bits).
/// </summary>
internal readonly struct FseCell(ushort baseline, byte nbBits, byte extraBits, uint baseValue)
{
    public ushort Baseline { get; } = baseline;

    public byte NbBits { get; } = nbBits;

    public byte ExtraBits { get; } = extraBits;

    public uint BaseValue { get; } = baseValue;
}
