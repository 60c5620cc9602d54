namespace SrRescue.Io.Zstd;

/// <summary>
/// Copies a match: <c>length</c> bytes from <c>offset</c> bytes back. When the match overlaps
/// what it writes (offset &lt; length), the bytes repeat with period <c>offset</c>, so it copies
/// in chunks that never overlap, each twice the last.
/// </summary>
internal static class MatchCopy
{
    private const int ShortMatch = 32;

    /// <summary>The caller has checked that 0 &lt; offset &lt;= pos and pos + length &lt;= output.Length.</summary>
    public static void Copy(Span<byte> output, int pos, int offset, int length)
    {
        var src = pos - offset;
        if (length < ShortMatch)
        {
            var dest = output.Slice(pos, length);
            for (var i = 0; i < dest.Length; i++)
            {
                dest[i] = output[src + i];
            }

            return;
        }

        if (offset >= length)
        {
            output.Slice(src, length).CopyTo(output.Slice(pos, length));
            return;
        }

        if (offset == 1)
        {
            output.Slice(pos, length).Fill(output[src]);
            return;
        }

        var end = pos + length;
        while (pos < end)
        {
            var n = Math.Min(pos - src, end - pos);
            output.Slice(src, n).CopyTo(output.Slice(pos, n));
            pos += n;
        }
    }
}
