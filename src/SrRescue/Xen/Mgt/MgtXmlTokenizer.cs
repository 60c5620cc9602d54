using System.Buffers;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// A tolerant tokenizer for the tiny XML subset SM writes: <c>&lt;tag&gt;text&lt;/tag&gt;</c>,
/// an XML declaration, and (in minidom's legacy output) self-closing empty elements. It never
/// throws and never looks outside its span: damage becomes an <see cref="MgtXmlTokenKind.Error"/>
/// token and scanning resumes at the next '&lt;', so one bad byte costs one element at most.
/// </summary>
internal ref struct MgtXmlTokenizer
{
    /// <summary>Space, tab, CR, LF, and NUL (SM strips NULs before parsing; sectors may be NUL-padded).</summary>
    public static readonly SearchValues<byte> Blank = SearchValues.Create(" \t\r\n\0"u8);

    private readonly ReadOnlySpan<byte> _text;
    private int _pos;

    public MgtXmlTokenizer(ReadOnlySpan<byte> text)
    {
        _text = text;
        _pos = 0;
    }

    public readonly int Position => _pos;

    public MgtXmlToken Next()
    {
        var start = _pos;
        if (start >= _text.Length)
        {
            return new MgtXmlToken(MgtXmlTokenKind.End, _text.Length, 0);
        }

        if (_text[start] != (byte)'<')
        {
            var lt = _text[start..].IndexOf((byte)'<');
            _pos = lt < 0 ? _text.Length : start + lt;
            return new MgtXmlToken(MgtXmlTokenKind.Text, start, _pos - start);
        }

        if (start + 1 >= _text.Length)
        {
            return Fail(start, "the text ends inside a tag", _text.Length);
        }

        var second = _text[start + 1];
        if (second == (byte)'?')
        {
            return SkipMarkup(start, "?>"u8, "processing instruction not closed");
        }

        if (second == (byte)'!')
        {
            return _text[start..].StartsWith("<!--"u8)
                ? SkipMarkup(start, "-->"u8, "comment not closed")
                : SkipMarkup(start, ">"u8, "declaration not closed");
        }

        var closing = second == (byte)'/';
        var nameStart = start + (closing ? 2 : 1);
        if (nameStart >= _text.Length || !IsNameStart(_text[nameStart]))
        {
            return Fail(start, closing ? "end tag without a name" : "'<' not followed by a tag name", NextLt(start + 1));
        }

        var nameEnd = nameStart + 1;
        while (nameEnd < _text.Length && IsNameChar(_text[nameEnd]))
        {
            nameEnd++;
        }

        var rel = _text[nameEnd..].IndexOfAny((byte)'<', (byte)'>');
        if (rel < 0)
        {
            return Fail(start, "tag not closed by '>'", _text.Length);
        }

        var stop = nameEnd + rel;
        if (_text[stop] == (byte)'<')
        {
            return Fail(start, "tag not closed by '>'", stop);
        }

        var inner = _text[nameEnd..stop];
        var length = stop + 1 - start;
        if (closing)
        {
            return IsBlank(inner)
                ? Token(MgtXmlTokenKind.EndTag, start, length, nameStart, nameEnd - nameStart)
                : Fail(start, "junk inside an end tag", stop + 1);
        }

        // Attributes are not written by SM; accept them (after white space) and ignore them.
        if (inner.Length > 0 && !IsBlankByte(inner[0]) && inner[0] != (byte)'/')
        {
            return Fail(start, "junk after a tag name", stop + 1);
        }

        var trimmed = inner.TrimEnd(" \t\r\n"u8);
        var kind = trimmed.Length > 0 && trimmed[^1] == (byte)'/' ? MgtXmlTokenKind.EmptyTag : MgtXmlTokenKind.StartTag;
        return Token(kind, start, length, nameStart, nameEnd - nameStart);
    }

    public static bool IsBlankByte(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0;

    public static bool IsBlank(ReadOnlySpan<byte> span) => span.IndexOfAnyExcept(Blank) < 0;

    private static bool IsNameStart(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or (byte)':' or >= 0x80;

    private static bool IsNameChar(byte b) => IsNameStart(b) || b is >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'.';

    private MgtXmlToken Token(MgtXmlTokenKind kind, int start, int length, int nameStart, int nameLength)
    {
        _pos = start + length;
        return new MgtXmlToken(kind, start, length, nameStart, nameLength);
    }

    private MgtXmlToken SkipMarkup(int start, ReadOnlySpan<byte> terminator, string error)
    {
        var rel = _text[(start + 2)..].IndexOf(terminator);
        if (rel < 0)
        {
            return Fail(start, error, _text.Length);
        }

        _pos = start + 2 + rel + terminator.Length;
        return new MgtXmlToken(MgtXmlTokenKind.Markup, start, _pos - start);
    }

    private int NextLt(int from)
    {
        if (from >= _text.Length)
        {
            return _text.Length;
        }

        var rel = _text[from..].IndexOf((byte)'<');
        return rel < 0 ? _text.Length : from + rel;
    }

    private MgtXmlToken Fail(int at, string message, int resumeAt)
    {
        _pos = Math.Max(resumeAt, at + 1);
        return new MgtXmlToken(MgtXmlTokenKind.Error, at, _pos - at, Error: message);
    }
}
