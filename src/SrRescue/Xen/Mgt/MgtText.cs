using System.Buffers;
using System.Text;
using System.Text.Unicode;
using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// Turns the raw bytes between two tags into the value SM would see: NULs removed (SM strips them
/// before parsing), the five XML entities and numeric character references resolved, UTF-8
/// decoded, surrounding white space stripped (minidom text, then <c>strip()</c> in
/// <c>metadata._walkXML</c>). SM escapes names before cutting them to 222 bytes
/// (<c>LVMMetadataHandler.getVdiInfo</c>), so a value may end in half an entity or, in older
/// releases, half a UTF-8 sequence: both are dropped with an Info finding instead of garbling the name.
/// </summary>
internal static class MgtText
{
    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    private static readonly UTF8Encoding Utf8Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static string Decode(ReadOnlySpan<byte> raw, int relOffset, MgtReadContext ctx, string structure, Severity problemSeverity)
    {
        if (raw.IsEmpty)
        {
            return "";
        }

        // Entities never expand: the output is at most as long as the input.
        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var n = Unescape(raw, buffer, relOffset, ctx, structure, problemSeverity);
            var bytes = buffer.AsSpan(0, n);
            var cut = IncompleteTail(bytes);
            if (cut > 0)
            {
                ctx.Add(Severity.Info, MgtCodes.TextInvalidUtf8, structure, relOffset + raw.Length - cut,
                    "value ends in a cut UTF-8 sequence (name truncated by SM); the partial character is dropped");
                bytes = bytes[..^cut];
            }

            if (!Utf8.IsValid(bytes))
            {
                ctx.Add(problemSeverity, MgtCodes.TextInvalidUtf8, structure, relOffset, "value is not valid UTF-8; invalid bytes read as U+FFFD");
            }

            return Utf8Lenient.GetString(bytes).Trim();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Unescape(ReadOnlySpan<byte> raw, Span<byte> output, int relOffset, MgtReadContext ctx, string structure, Severity problemSeverity)
    {
        var n = 0;
        var reported = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == 0)
            {
                continue;
            }

            if (b != (byte)'&')
            {
                output[n++] = b;
                continue;
            }

            var rest = raw[(i + 1)..];
            var semi = rest[..Math.Min(rest.Length, 12)].IndexOf((byte)';');
            if (semi >= 0 && TryEntity(rest[..semi], output[n..], out var written))
            {
                n += written;
                i += semi + 1;
                continue;
            }

            if (semi < 0 && IsCutEntity(rest))
            {
                ctx.Add(Severity.Info, MgtCodes.TextTruncatedEntity, structure, relOffset + i,
                    "value ends in a cut entity (name truncated by SM after escaping); it is dropped", Encoding.ASCII.GetString(raw[i..]));
                break;
            }

            if (!reported)
            {
                ctx.Add(problemSeverity, MgtCodes.TextBadEntity, structure, relOffset + i, "'&' that does not start a known entity; kept as written",
                    MgtReadContext.Excerpt(raw, i));
                reported = true;
            }

            output[n++] = b;
        }

        return n;
    }

    private static bool TryEntity(ReadOnlySpan<byte> name, Span<byte> output, out int written)
    {
        written = 1;
        if (name.SequenceEqual("amp"u8))
        {
            output[0] = (byte)'&';
        }
        else if (name.SequenceEqual("lt"u8))
        {
            output[0] = (byte)'<';
        }
        else if (name.SequenceEqual("gt"u8))
        {
            output[0] = (byte)'>';
        }
        else if (name.SequenceEqual("quot"u8))
        {
            output[0] = (byte)'"';
        }
        else if (name.SequenceEqual("apos"u8))
        {
            output[0] = (byte)'\'';
        }
        else if (TryCharReference(name, out var rune) && rune.Utf8SequenceLength <= name.Length + 2)
        {
            written = rune.EncodeToUtf8(output);
        }
        else
        {
            written = 0;
            return false;
        }

        return true;
    }

    /// <summary><c>#123</c> or <c>#x7b</c>: a Unicode scalar other than NUL.</summary>
    private static bool TryCharReference(ReadOnlySpan<byte> name, out Rune rune)
    {
        rune = default;
        if (name.Length < 2 || name[0] != (byte)'#')
        {
            return false;
        }

        var hex = name[1] is (byte)'x' or (byte)'X';
        var digits = name[(hex ? 2 : 1)..];
        if (digits.IsEmpty || digits.Length > (hex ? 6 : 7))
        {
            return false;
        }

        var value = 0;
        foreach (var d in digits)
        {
            var v = d is >= (byte)'0' and <= (byte)'9' ? d - '0'
                : hex && d is >= (byte)'a' and <= (byte)'f' ? d - 'a' + 10
                : hex && d is >= (byte)'A' and <= (byte)'F' ? d - 'A' + 10
                : -1;
            if (v < 0)
            {
                return false;
            }

            value = (value * (hex ? 16 : 10)) + v;
        }

        return value != 0 && Rune.TryCreate(value, out rune);
    }

    /// <summary>The value ends right after '&amp;' with a prefix of a known entity or reference.</summary>
    private static bool IsCutEntity(ReadOnlySpan<byte> rest)
    {
        if (rest.Length > 8)
        {
            return false;
        }

        if (IsProperPrefix(rest, "amp"u8) || IsProperPrefix(rest, "lt"u8) || IsProperPrefix(rest, "gt"u8)
            || IsProperPrefix(rest, "quot"u8) || IsProperPrefix(rest, "apos"u8))
        {
            return true;
        }

        if (rest.IsEmpty || rest[0] != (byte)'#')
        {
            return false;
        }

        var digits = rest[1..];
        if (digits.Length > 0 && digits[0] is (byte)'x' or (byte)'X')
        {
            digits = digits[1..];
        }

        return digits.IndexOfAnyExcept(HexDigits) < 0;
    }

    private static bool IsProperPrefix(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> known) =>
        rest.Length < known.Length && known.StartsWith(rest);

    /// <summary>Bytes of a UTF-8 sequence cut by the end of <paramref name="bytes"/> (0 when it ends on a character).</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // continuation byte: keep looking for the lead byte
            }

            var need = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return need > back ? back : 0;
        }

        return 0;
    }
}
