using System.Buffers;
using System.Text;

namespace SrRescue.Lvm.Text;

/// <summary>
/// Splits metadata text into tokens, following libdm's tokenizer (lvmteam/lvm2:
/// libdm/libdm-config.c (_get_token, _eat_space); lvm2.md 3.1). Single pass, no backtracking
/// other than the parser re-reading one token, so garbage costs linear time.
/// Deliberate differences, all on input LVM itself rejects: a bare word also ends at <c>[ ] , " '</c>
/// (libdm lets <c>abc]</c> be one word), and a number immediately followed by other characters
/// is one bad-number token instead of a number and a stray identifier.
/// </summary>
internal ref struct ConfigTokenizer
{
    /// <summary>C <c>isspace</c> in the C locale.</summary>
    private static readonly SearchValues<byte> Space = SearchValues.Create(" \t\n\v\f\r"u8);

    /// <summary>What ends a bare word (and a number).</summary>
    private static readonly SearchValues<byte> WordEnd = SearchValues.Create(" \t\n\v\f\r#={}[],\"'"u8);

    private static readonly SearchValues<byte> QuoteOrEscape = SearchValues.Create("\"\\"u8);

    private readonly ReadOnlySpan<byte> _text;

    public ConfigTokenizer(ReadOnlySpan<byte> text)
    {
        _text = text;
    }

    /// <summary>Index of the next byte to read; set it to re-read a token.</summary>
    public int Position { get; set; }

    /// <summary>
    /// The next token. <paramref name="valuesAllowed"/> is true right after <c>=</c>, <c>[</c>, <c>,</c>
    /// and inside arrays: only there does a sign, digit or dot start a number (libdm's rule).
    /// </summary>
    public ConfigToken Next(bool valuesAllowed)
    {
        SkipSpaceAndComments();
        var start = Position;
        if (start >= _text.Length)
        {
            return new ConfigToken(ConfigTokenKind.EndOfInput, start, start);
        }

        var c = _text[start];
        var single = c switch
        {
            (byte)'{' => ConfigTokenKind.SectionBegin,
            (byte)'}' => ConfigTokenKind.SectionEnd,
            (byte)'[' => ConfigTokenKind.ArrayBegin,
            (byte)']' => ConfigTokenKind.ArrayEnd,
            (byte)'=' => ConfigTokenKind.Assign,
            (byte)',' => ConfigTokenKind.Comma,
            _ => ConfigTokenKind.EndOfInput,
        };
        if (single != ConfigTokenKind.EndOfInput)
        {
            Position = start + 1;
            return new ConfigToken(single, start, start + 1);
        }

        if (c == '"')
        {
            return ReadDoubleQuoted(start);
        }

        if (c == '\'')
        {
            var close = _text[(start + 1)..].IndexOf((byte)'\'');
            Position = close < 0 ? _text.Length : start + 1 + close + 1;
            return new ConfigToken(ConfigTokenKind.QuotedString, start, Position, close < 0);
        }

        if (valuesAllowed && (char.IsAsciiDigit((char)c) || c is (byte)'+' or (byte)'-' or (byte)'.'))
        {
            return ReadNumber(start);
        }

        Position = WordEndFrom(start + 1);
        return new ConfigToken(ConfigTokenKind.BareWord, start, Position);
    }

    /// <summary>The raw bytes of a token.</summary>
    public readonly ReadOnlySpan<byte> Raw(ConfigToken token) => _text[token.Start..token.End];

    /// <summary>
    /// The text of a key or scalar token: quoted strings without their quotes, double-quoted ones
    /// with <c>\"</c> and <c>\\</c> unescaped and any other backslash kept
    /// (libdm-string.c (dm_unescape_double_quotes)).
    /// </summary>
    public readonly string TextOf(ConfigToken token)
    {
        var raw = Raw(token);
        if (token.Kind != ConfigTokenKind.QuotedString)
        {
            return TokenStringCache.Get(raw);
        }

        var inner = raw[1..(token.Unterminated ? raw.Length : raw.Length - 1)];
        if (raw[0] == '\'' || inner.IndexOf((byte)'\\') < 0)
        {
            return TokenStringCache.Get(inner);
        }

        var buffer = new byte[inner.Length];
        var n = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            var b = inner[i];
            if (b == '\\' && i + 1 < inner.Length && inner[i + 1] is (byte)'"' or (byte)'\\')
            {
                b = inner[++i];
            }

            buffer[n++] = b;
        }

        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private void SkipSpaceAndComments()
    {
        while (Position < _text.Length)
        {
            var rest = _text[Position..];
            var skip = rest.IndexOfAnyExcept(Space);
            if (skip < 0)
            {
                Position = _text.Length;
                return;
            }

            Position += skip;
            if (_text[Position] != '#')
            {
                return;
            }

            var eol = _text[Position..].IndexOf((byte)'\n');
            Position = eol < 0 ? _text.Length : Position + eol + 1;
        }
    }

    private ConfigToken ReadDoubleQuoted(int start)
    {
        var i = start + 1;
        while (true)
        {
            var hit = _text[i..].IndexOfAny(QuoteOrEscape);
            if (hit < 0)
            {
                Position = _text.Length;
                return new ConfigToken(ConfigTokenKind.QuotedString, start, Position, Unterminated: true);
            }

            i += hit;
            if (_text[i] == '"')
            {
                Position = i + 1;
                return new ConfigToken(ConfigTokenKind.QuotedString, start, Position);
            }

            // A backslash protects the next byte from ending the string, whatever it is.
            i = Math.Min(i + 2, _text.Length);
        }
    }

    private ConfigToken ReadNumber(int start)
    {
        var i = start;
        if (_text[i] is (byte)'+' or (byte)'-')
        {
            i++;
        }

        int digits = 0, dots = 0;
        for (; i < _text.Length; i++)
        {
            var c = _text[i];
            if (char.IsAsciiDigit((char)c))
            {
                digits++;
            }
            else if (c == '.')
            {
                dots++;
            }
            else
            {
                break;
            }
        }

        var end = WordEndFrom(i);
        Position = end;
        var kind = end != i || digits == 0 || dots > 1 ? ConfigTokenKind.BadNumber
            : dots == 1 ? ConfigTokenKind.Float
            : ConfigTokenKind.Integer;
        return new ConfigToken(kind, start, end);
    }

    private readonly int WordEndFrom(int from)
    {
        if (from >= _text.Length)
        {
            return _text.Length;
        }

        var hit = _text[from..].IndexOfAny(WordEnd);
        return hit < 0 ? _text.Length : from + hit;
    }
}
