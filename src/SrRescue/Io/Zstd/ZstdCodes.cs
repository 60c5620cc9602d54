namespace SrRescue.Io.Zstd;

/// <summary>
/// The finding codes of the Zstandard decoder (RFC 8878). Every one is an error: the frame cannot be
/// decoded, and the <see cref="Diagnostics.CorruptDataException"/> carrying it names the structure
/// and the byte offset where the decoder stopped.
/// </summary>
internal static class ZstdCodes
{
    /// <summary>The input ends inside a structure (a header, a block, a bitstream or the checksum).</summary>
    public const string Truncated = "zstd.truncated";

    /// <summary>The input does not start with a Zstandard or skippable frame magic number.</summary>
    public const string Magic = "zstd.magic";

    /// <summary>A frame header field has a value the format forbids (the reserved bit).</summary>
    public const string Header = "zstd.header";

    /// <summary>The frame was made with a dictionary; none is available to decode it.</summary>
    public const string Dictionary = "zstd.dictionary";

    /// <summary>The frame decodes to more bytes than the output may hold.</summary>
    public const string TooLarge = "zstd.too-large";

    /// <summary>The decoded size differs from the frame content size the header gives.</summary>
    public const string ContentSize = "zstd.content-size";

    /// <summary>A block header is damaged: the reserved type, or a size over the block maximum.</summary>
    public const string Block = "zstd.block";

    /// <summary>The literals section header or its sizes are damaged.</summary>
    public const string Literals = "zstd.literals";

    /// <summary>A Huffman tree description or a Huffman-coded stream is damaged.</summary>
    public const string Huffman = "zstd.huffman";

    /// <summary>An FSE table description is damaged (accuracy log, probabilities, symbols).</summary>
    public const string Fse = "zstd.fse";

    /// <summary>A backward bitstream has no end marker or is not consumed exactly.</summary>
    public const string Bitstream = "zstd.bitstream";

    /// <summary>The sequences section or a sequence is damaged (counts, modes, lengths, offsets).</summary>
    public const string Sequences = "zstd.sequences";

    /// <summary>The content checksum (low 32 bits of XXH64) does not match the decoded bytes.</summary>
    public const string Checksum = "zstd.checksum";
}
