using SrRescue.Diagnostics;

namespace SrRescue.Io.Zstd;

/// <summary>Makes the decoder's one exception: a <see cref="CorruptDataException"/> with a finding.</summary>
internal static class ZstdError
{
    /// <param name="offset">Absolute byte offset of the damaged structure in the source.</param>
    public static CorruptDataException At(string code, string structure, long offset, string message, string? stored = null, string? computed = null) =>
        new(new Finding(Severity.Error, code, structure, offset, message, stored, computed));

    /// <summary>The input ends before <paramref name="needed"/> bytes of <paramref name="structure"/>.</summary>
    public static CorruptDataException Truncated(string structure, long offset, long needed, long available) =>
        At(ZstdCodes.Truncated, structure, offset, $"needs {needed} bytes, the input has {Math.Max(0, available)} left");
}
