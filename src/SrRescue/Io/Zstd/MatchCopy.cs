using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SrRescue.Io.Zstd;

/// <summary>
/// Copies a match: <c>length</c> bytes from <c>offset</c> bytes back, exactly (nothing past the
/// match is written). When the match overlaps what it writes (offset &lt; length) the bytes
/// repeat with period <c>offset</c>: from 8 bytes back on, 8-byte words copied forward never
/// read what they write; closer, it copies in chunks that never overlap, each twice the last.
/// </summary>
internal static class MatchCopy
{
    /// <summary>The caller has checked that 0 &lt; offset &lt;= pos and pos + length &lt;= output.Length.</summary>
    public static void Copy(Span<byte> output, int pos, int offset, int length)
    {
        var src = pos - offset;
        if (length < 8)
        {
            for (var i = 0; i < length; i++)
            {
                output[pos + i] = output[src + i];
            }

            return;
        }

        if (offset >= 8 && length <= 64)
        {
            // Whole words, then the last word again, ending at the match's end: the bytes it
            // rewrites get the values they already have.
            var i = 0;
            for (; i + 8 <= length; i += 8)
            {
                Word(output, src + i, pos + i);
            }

            Word(output, src + length - 8, pos + length - 8);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Word(Span<byte> output, int from, int to) =>
        MemoryMarshal.Write(output.Slice(to, 8), MemoryMarshal.Read<ulong>(output.Slice(from, 8)));
}
