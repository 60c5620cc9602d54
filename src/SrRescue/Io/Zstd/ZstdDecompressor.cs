namespace SrRescue.Io.Zstd;

/// <summary>
/// Decompresses Zstandard frames (RFC 8878) with the base library only: qcow2 images with
/// compression_type=zstd store each compressed cluster as one frame, possibly followed by slack
/// bytes. Damaged input ends in a <see cref="Diagnostics.CorruptDataException"/> whose finding
/// names the structure and its byte offset (codes in <see cref="ZstdCodes"/>). Frames that need a
/// dictionary are refused.
/// </summary>
internal static class ZstdDecompressor
{
    /// <summary>The largest block content (Block_Maximum_Size's upper bound, 128 KiB).</summary>
    public const int MaxBlockSize = 128 * 1024;

    /// <summary>Each thread keeps one decoder, so its buffers and tables are made once.</summary>
    [ThreadStatic]
    private static ZstdFrameDecoder? decoder;

    /// <summary>
    /// Decodes the one frame at the start of <paramref name="input"/> (after any skippable frames)
    /// into <paramref name="output"/>, and ignores the bytes after it.
    /// </summary>
    /// <param name="output">Its length is the most the frame may decode to; a frame that decodes to more is corrupt.</param>
    /// <param name="sourceOffset">Where <paramref name="input"/> starts in its source, so the errors' offsets are the source's.</param>
    /// <returns>The number of bytes written to <paramref name="output"/>.</returns>
    /// <exception cref="Diagnostics.CorruptDataException">The input is not a whole, valid frame.</exception>
    public static int DecompressFrame(ReadOnlySpan<byte> input, Span<byte> output, long sourceOffset = 0) =>
        (decoder ??= new ZstdFrameDecoder()).Decode(input, output, sourceOffset);
}
