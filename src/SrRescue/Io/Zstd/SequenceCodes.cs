namespace SrRescue.Io.Zstd;

/// <summary>
/// The fixed tables of RFC 8878 3.1.1.3.2: what each literals length, match length and offset code
/// means (a base value and extra bits), the largest code and accuracy log each table may have,
/// and the predefined distributions (Predefined_Mode) with their tables, built once.
/// </summary>
internal static class SequenceCodes
{
    public const int MaxLiteralLengthCode = 35;
    public const int MaxMatchLengthCode = 52;
    public const int MaxOffsetCode = 31;
    public const int MaxLiteralLengthLog = 9;
    public const int MaxMatchLengthLog = 9;
    public const int MaxOffsetLog = 8;

    private static readonly uint[] LiteralLengthBase =
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096,
        8192, 16384, 32768, 65536,
    ];

    private static readonly byte[] LiteralLengthBits =
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12,
        13, 14, 15, 16,
    ];

    private static readonly uint[] MatchLengthBase =
    [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
        35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051,
        4099, 8195, 16387, 32771, 65539,
    ];

    private static readonly byte[] MatchLengthBits =
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11,
        12, 13, 14, 15, 16,
    ];

    private static readonly short[] LiteralLengthDefault =
    [
        4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
        2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
        -1, -1, -1, -1,
    ];

    private static readonly short[] MatchLengthDefault =
    [
        1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1,
        -1, -1, -1, -1, -1,
    ];

    private static readonly short[] OffsetDefault =
    [
        1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
    ];

    /// <summary>The predefined literals length table (accuracy log 6).</summary>
    public static FseTable LiteralLengthPredefined { get; } = Predefined(LiteralLengthDefault, 6, FseSymbols.LiteralLength);

    /// <summary>The predefined match length table (accuracy log 6).</summary>
    public static FseTable MatchLengthPredefined { get; } = Predefined(MatchLengthDefault, 6, FseSymbols.MatchLength);

    /// <summary>The predefined offset table (accuracy log 5).</summary>
    public static FseTable OffsetPredefined { get; } = Predefined(OffsetDefault, 5, FseSymbols.Offset);

    /// <summary>The value base and extra bits of <paramref name="symbol"/>, which the table's reader has bounded to its kind's largest code.</summary>
    public static (uint BaseValue, byte ExtraBits) Meaning(FseSymbols kind, int symbol) => kind switch
    {
        FseSymbols.LiteralLength => (LiteralLengthBase[symbol], LiteralLengthBits[symbol]),
        FseSymbols.MatchLength => (MatchLengthBase[symbol], MatchLengthBits[symbol]),
        FseSymbols.Offset => (1u << symbol, (byte)symbol),
        _ => ((uint)symbol, 0),
    };

    private static FseTable Predefined(short[] distribution, int log, FseSymbols kind)
    {
        var table = new FseTable(log);
        table.Build(distribution, log, kind, -1, "zstd predefined FSE table");
        return table;
    }
}
