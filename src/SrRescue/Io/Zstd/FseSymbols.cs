namespace SrRescue.Io.Zstd;

/// <summary>What the symbols of an FSE table stand for, which decides their value base and extra bits.</summary>
internal enum FseSymbols
{
    /// <summary>Literals length codes 0-35 (RFC 8878 3.1.1.3.2.1.1).</summary>
    LiteralLength,

    /// <summary>Match length codes 0-52.</summary>
    MatchLength,

    /// <summary>Offset codes 0-31: the value is <c>(1 &lt;&lt; code) + code bits</c>.</summary>
    Offset,

    /// <summary>Huffman weights 0-11: the value is the symbol.</summary>
    Weight,
}
