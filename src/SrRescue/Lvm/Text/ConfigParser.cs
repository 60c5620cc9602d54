using System.Text;
using SrRescue.Diagnostics;

namespace SrRescue.Lvm.Text;

/// <summary>
/// Tolerant parser for LVM's metadata text (the dm_config grammar, lvm2.md 3.1). It reads both
/// layouts (on-disk copy and backup file, lvm2.md 3.2) into one <see cref="ConfigSection"/> tree.
/// A syntax error becomes an Error finding at its absolute byte offset and parsing goes on with
/// what can still be read: open sections are closed at the end, a bad token is skipped, a key
/// without <c>=</c> is dropped. Iterative (an explicit stack, depth capped at
/// <see cref="Limits.MaxConfigDepth"/>), linear in the input, and bounded by
/// <see cref="Limits.MaxConfigNodes"/>; it never throws on any input.
/// </summary>
internal static class ConfigParser
{
    public const string Structure = "metadata text";

    /// <summary>
    /// Syntax errors reported before the parser gives up on the rest of the text: past this the
    /// input is garbage, and one finding per byte of it would only cost memory.
    /// </summary>
    public const int MaxSyntaxErrors = 1000;

    /// <summary>Convenience for text already decoded: offsets are exact when it was valid UTF-8.</summary>
    public static ConfigSection Parse(string text, long baseOffset, FindingLog log, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(Encoding.UTF8.GetBytes(text), baseOffset, log, source);
    }

    /// <param name="text">The metadata text; a NUL byte ends it (lvm2.md 3.1).</param>
    /// <param name="baseOffset">Absolute byte offset of <paramref name="text"/>[0] in <paramref name="source"/>.</param>
    /// <returns>The root section (key ""); its entries are the top-level keys and sections.</returns>
    public static ConfigSection Parse(ReadOnlySpan<byte> text, long baseOffset, FindingLog log, string? source = null) =>
        Parse(text, baseOffset, log, source, Limits.MaxConfigNodes);

    /// <summary>As <see cref="Parse(ReadOnlySpan{byte}, long, FindingLog, string?)"/>, taking the sections <paramref name="reuse"/> already knows as they are.</summary>
    public static ConfigSection Parse(ReadOnlySpan<byte> text, long baseOffset, FindingLog log, string? source, ISectionReuse reuse) =>
        Parse(text, baseOffset, log, source, Limits.MaxConfigNodes, reuse);

    /// <summary>As <see cref="Parse(ReadOnlySpan{byte}, long, FindingLog, string?)"/> with another node limit (for tests).</summary>
    internal static ConfigSection Parse(ReadOnlySpan<byte> text, long baseOffset, FindingLog log, string? source, int maxNodes,
        ISectionReuse? reuse = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfNegative(baseOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(baseOffset, long.MaxValue - text.Length);

        var nul = text.IndexOf((byte)0);
        if (nul >= 0)
        {
            text = text[..nul];
        }

        if (text.Length > Limits.MaxMetadataTextBytes)
        {
            // Not read at all: a cut text parses into a VG without its last LVs, which would then
            // look removed (issue 15: 200,000 LVs in 52 MiB of text cost 28 s and 1.4 GB).
            log.Add(Severity.Error, "lvm.text.too-large", Structure, baseOffset,
                $"metadata text is {text.Length} bytes, more than any real VG has ({Limits.MaxMetadataTextBytes}): it is not read",
                stored: text.Length.ToString(), computed: Limits.MaxMetadataTextBytes.ToString(), source: source);
            text = [];
        }

        var state = new ParseState(text, baseOffset, log, source, maxNodes, reuse);
        state.Run();
        return state.Finish();
    }

    /// <summary>An open section: its key, where it started, the node count then, and the entries read so far.</summary>
    private sealed class Frame(string key, long offset, int nodesBefore)
    {
        public string Key { get; } = key;

        public long Offset { get; } = offset;

        public int NodesBefore { get; } = nodesBefore;

        public List<ConfigNode> Entries { get; } = [];
    }

    private ref struct ParseState
    {
        private readonly long _base;
        private readonly FindingLog _log;
        private readonly string? _source;
        private readonly List<Frame> _stack;
        private readonly int _maxNodes;
        private readonly ISectionReuse? _reuse;
        private readonly ReadOnlySpan<byte> _text;
        private ConfigTokenizer _tokens;
        private int _nodes;
        private int _errors;

        public ParseState(ReadOnlySpan<byte> text, long baseOffset, FindingLog log, string? source, int maxNodes, ISectionReuse? reuse)
        {
            _maxNodes = maxNodes;
            _reuse = reuse;
            _text = text;
            _tokens = new ConfigTokenizer(text);
            _base = baseOffset;
            _log = log;
            _source = source;
            _stack = [new Frame("", baseOffset, 0)];
        }

        private readonly Frame Top => _stack[^1];

        public void Run()
        {
            while (_errors <= MaxSyntaxErrors)
            {
                var t = _tokens.Next(valuesAllowed: false);
                switch (t.Kind)
                {
                    case ConfigTokenKind.EndOfInput:
                        return;
                    case ConfigTokenKind.SectionEnd:
                        if (_stack.Count > 1)
                        {
                            CloseTop(t.End);
                        }
                        else
                        {
                            Error("lvm.text.unexpected-close", t.Start, "'}' without an open section; ignored");
                        }

                        break;
                    case ConfigTokenKind.QuotedString or ConfigTokenKind.BareWord:
                        if (!CountNode(t.Start) || !ReadEntry(t))
                        {
                            return;
                        }

                        break;
                    default:
                        Error("lvm.text.unexpected-token", t.Start,
                            $"unexpected '{Describe(t)}' where a key was expected; skipped");
                        break;
                }
            }
        }

        public ConfigSection Finish()
        {
            while (_stack.Count > 1)
            {
                var open = Top;
                Error("lvm.text.unclosed-section", _tokens.Position,
                    $"section '{open.Key}' (opened at byte {open.Offset}) is not closed at the end of the text");
                CloseTop(end: null);
            }

            return new ConfigSection("", _stack[0].Entries, _base);
        }

        /// <summary>Reads what follows a key. Returns false when the node limit stops the parse.</summary>
        private bool ReadEntry(ConfigToken keyToken)
        {
            var key = _tokens.TextOf(keyToken);
            var keyOffset = _base + keyToken.Start;
            if (keyToken.Unterminated)
            {
                Error("lvm.text.unterminated-string", keyToken.Start, "quoted key has no closing quote");
            }

            var t = _tokens.Next(valuesAllowed: false);
            if (t.Kind == ConfigTokenKind.SectionBegin)
            {
                OpenSection(key, keyOffset);
                return true;
            }

            if (t.Kind != ConfigTokenKind.Assign)
            {
                Error("lvm.text.expected-assign", t.Start,
                    $"key '{key}' is followed by '{Describe(t)}' instead of '=' or '{{'; key dropped");
                _tokens.Position = t.Start; // re-read it as the next key
                return true;
            }

            t = _tokens.Next(valuesAllowed: true);
            if (t.IsScalar)
            {
                Top.Entries.Add(new ConfigValue(key, MakeScalar(t), keyOffset));
                return true;
            }

            switch (t.Kind)
            {
                case ConfigTokenKind.ArrayBegin:
                    return ReadArray(key, keyOffset);
                case ConfigTokenKind.SectionBegin:
                    Error("lvm.text.missing-value", t.Start, $"'{key} = {{' read as the section '{key} {{'");
                    OpenSection(key, keyOffset);
                    return true;
                case ConfigTokenKind.SectionEnd or ConfigTokenKind.EndOfInput:
                    _tokens.Position = t.Start;
                    break;
            }

            Error("lvm.text.missing-value", t.Start, $"key '{key}' has no value ('{Describe(t)}' after '='); key dropped");
            return true;
        }

        private bool ReadArray(string key, long keyOffset)
        {
            var items = new List<ConfigScalar>();
            var afterComma = false;
            ConfigToken? lastWord = null; // a word just read: if '=' or '{' follows, it is the next key
            while (_errors <= MaxSyntaxErrors)
            {
                var t = _tokens.Next(valuesAllowed: true);
                if (t.IsScalar)
                {
                    if (!CountNode(t.Start))
                    {
                        Top.Entries.Add(new ConfigValue(key, items, keyOffset));
                        return false;
                    }

                    lastWord = t.IsKey ? t : null;
                    items.Add(MakeScalar(t));
                    afterComma = false;
                    continue;
                }

                if (lastWord is { } word && t.Kind is ConfigTokenKind.Assign or ConfigTokenKind.SectionBegin)
                {
                    // "a = [1, 2 <newline> b = 3": the ']' is missing and "b" is the next key.
                    items.RemoveAt(items.Count - 1);
                    Error("lvm.text.unclosed-array", word.Start, $"array '{key}' has no closing ']'");
                    _tokens.Position = word.Start;
                    Top.Entries.Add(new ConfigValue(key, items, keyOffset));
                    return true;
                }

                lastWord = null;

                switch (t.Kind)
                {
                    case ConfigTokenKind.Comma:
                        if (items.Count == 0 || afterComma)
                        {
                            Error("lvm.text.stray-comma", t.Start, $"',' without a value before it in array '{key}'");
                        }

                        afterComma = true;
                        continue;
                    case ConfigTokenKind.ArrayEnd:
                        if (afterComma)
                        {
                            Error("lvm.text.stray-comma", t.Start, $"',' before ']' in array '{key}'");
                        }

                        Top.Entries.Add(new ConfigValue(key, items, keyOffset));
                        return true;
                    case ConfigTokenKind.ArrayBegin or ConfigTokenKind.Assign:
                        Error("lvm.text.unexpected-token", t.Start, $"'{Describe(t)}' inside array '{key}'; skipped");
                        continue;
                    default:
                        // '{', '}' or the end: the ']' is missing. Keep the items, re-read the token.
                        Error("lvm.text.unclosed-array", t.Start, $"array '{key}' has no closing ']'");
                        _tokens.Position = t.Start;
                        Top.Entries.Add(new ConfigValue(key, items, keyOffset));
                        return true;
                }
            }

            Top.Entries.Add(new ConfigValue(key, items, keyOffset));
            return false;
        }

        private void OpenSection(string key, long keyOffset)
        {
            // The root is not a level of nesting: "vg { pv { … } }" has depth 2.
            if (_stack.Count > Limits.MaxConfigDepth)
            {
                Error("lvm.text.too-deep", (int)(keyOffset - _base),
                    $"section '{key}' is nested deeper than {Limits.MaxConfigDepth} levels; its content is skipped");
                SkipSection();
                return;
            }

            var keyStart = (int)(keyOffset - _base);
            if (_reuse is not null && _reuse.Offers(_stack.Count, Top.Key)
                && _reuse.TryReuse(_text, keyStart, key, out var end, out var nodes) is { } known && _nodes + nodes <= _maxNodes)
            {
                _nodes += nodes;
                Top.Entries.Add(known);
                _tokens.Position = end;
                return;
            }

            _stack.Add(new Frame(key, keyOffset, _nodes));
        }

        /// <summary>Skips to the '}' matching an already-read '{' (or the end), tokenizing strings properly.</summary>
        private void SkipSection()
        {
            var depth = 1;
            var previous = ConfigTokenKind.SectionBegin;
            while (depth > 0)
            {
                var t = _tokens.Next(previous is ConfigTokenKind.Assign or ConfigTokenKind.ArrayBegin or ConfigTokenKind.Comma);
                switch (t.Kind)
                {
                    case ConfigTokenKind.EndOfInput:
                        return;
                    case ConfigTokenKind.SectionBegin:
                        depth++;
                        break;
                    case ConfigTokenKind.SectionEnd:
                        depth--;
                        break;
                }

                previous = t.Kind;
            }
        }

        /// <param name="end">Just after the closing brace; null when the text ended first.</param>
        private void CloseTop(int? end)
        {
            var frame = Top;
            _stack.RemoveAt(_stack.Count - 1);
            var section = new ConfigSection(frame.Key, frame.Entries, frame.Offset);
            Top.Entries.Add(section);
            if (end is { } e && _reuse is not null && _reuse.Offers(_stack.Count, Top.Key))
            {
                _reuse.Read(section, _text, (int)(frame.Offset - _base), e, _nodes - frame.NodesBefore);
            }
        }

        private ConfigScalar MakeScalar(ConfigToken t)
        {
            var offset = _base + t.Start;
            switch (t.Kind)
            {
                case ConfigTokenKind.Integer:
                {
                    var text = Encoding.ASCII.GetString(_tokens.Raw(t));
                    if (!LvmInteger.TryParse(text, out var v) || v > ulong.MaxValue || v < long.MinValue)
                    {
                        _log.Add(Severity.Warning, "lvm.text.int-range", Structure, offset,
                            $"integer {Shorten(text)} is outside the 64-bit range; kept as written", source: _source);
                    }

                    return new ConfigScalar(ConfigScalarKind.IntegerNumber, text, offset);
                }

                case ConfigTokenKind.Float:
                    return new ConfigScalar(ConfigScalarKind.FloatNumber, Encoding.ASCII.GetString(_tokens.Raw(t)), offset);
                case ConfigTokenKind.BadNumber:
                {
                    var text = _tokens.TextOf(t);
                    Error("lvm.text.bad-number", t.Start, $"'{Shorten(text)}' is not a number; kept as a string");
                    return new ConfigScalar(ConfigScalarKind.Text, text, offset);
                }

                default:
                    if (t.Unterminated)
                    {
                        Error("lvm.text.unterminated-string", t.Start, "string has no closing quote; it runs to the end of the text");
                    }

                    return new ConfigScalar(ConfigScalarKind.Text, _tokens.TextOf(t), offset);
            }
        }

        private bool CountNode(int position)
        {
            if (++_nodes <= _maxNodes)
            {
                return true;
            }

            Error("lvm.text.too-many-nodes", position,
                $"more than {_maxNodes} keys and values; the rest of the text is not read");
            return false;
        }

        private readonly string Describe(ConfigToken t) => t.Kind switch
        {
            ConfigTokenKind.EndOfInput => "end of text",
            _ => Shorten(Encoding.UTF8.GetString(_tokens.Raw(t)[..Math.Min(t.End - t.Start, 64)])),
        };

        private static string Shorten(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");

        private void Error(string code, int position, string message)
        {
            if (++_errors <= MaxSyntaxErrors)
            {
                _log.Add(Severity.Error, code, Structure, _base + position, message, source: _source);
            }
            else if (_errors == MaxSyntaxErrors + 1)
            {
                _log.Add(Severity.Error, "lvm.text.too-many-errors", Structure, _base + position,
                    $"more than {MaxSyntaxErrors} syntax errors; the rest of the text is not read", source: _source);
            }
        }
    }
}
