using System.Text;

namespace SrRescue.Lvm.Text;

/// <summary>
/// Writes a <see cref="ConfigSection"/> tree as metadata text that LVM's importer and
/// vgcfgrestore accept (lvm2.md 3.1, 4.2): one TAB of indentation per level, <c>key = value</c>,
/// arrays on one line (area lists as one name/number pair per line, the way LVM writes them),
/// strings double-quoted with <c>"</c> and <c>\</c> escaped. Numbers are written with the token
/// text they were read with, so a parse → write → parse round trip gives the same tree.
/// </summary>
internal static class ConfigWriter
{
    /// <param name="root">The root section (its own key is not written).</param>
    /// <param name="headerComment">Optional comment lines written first, each prefixed with <c># </c>.</param>
    public static string Write(ConfigSection root, ConfigLayout layout = ConfigLayout.AsParsed, string? headerComment = null)
    {
        using var text = new StringWriter();
        Write(text, root, layout, headerComment);
        return text.ToString();
    }

    /// <summary>
    /// As <see cref="Write(ConfigSection, ConfigLayout, string?)"/>, into <paramref name="output"/> as the
    /// tree is walked: a text of 16,000 LVs is never held whole (5.6 MiB, 11 MiB as a string).
    /// </summary>
    public static void Write(TextWriter output, ConfigSection root, ConfigLayout layout = ConfigLayout.AsParsed, string? headerComment = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(root);
        if (headerComment is not null)
        {
            foreach (var line in headerComment.Split('\n'))
            {
                output.Write("# ");
                output.Write(line.TrimEnd('\r'));
                output.Write('\n');
            }

            output.Write('\n');
        }

        IEnumerable<ConfigNode> top = layout == ConfigLayout.BackupFile
            ? [.. root.Entries.Where(e => e is ConfigValue), .. root.Entries.Where(e => e is ConfigSection)]
            : root.Entries;
        WriteEntries(output, top, 0);
    }

    /// <summary>A string in double quotes with <c>"</c> and <c>\</c> escaped (dm_escape_double_quotes).</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0'))
        {
            // A NUL ends the text for LVM (lvm2.md 3.1): whatever followed would be lost.
            throw new ArgumentException("A metadata string cannot contain a NUL character.", nameof(value));
        }

        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }

    private static void WriteEntries(TextWriter o, IEnumerable<ConfigNode> entries, int depth)
    {
        ConfigNode? previous = null;
        foreach (var entry in entries)
        {
            // Blank lines where LVM's backup files have them (before physical_volumes and
            // logical_volumes, each PV and LV, and segment1 but not segment2); purely cosmetic.
            if (entry is ConfigSection && (depth > 0 || previous is not null) && (depth < 3 || previous is not ConfigSection))
            {
                o.Write('\n');
            }

            switch (entry)
            {
                case ConfigSection section:
                    Indent(o, depth);
                    o.Write(Key(section.Key));
                    o.Write(" {\n");
                    WriteEntries(o, section.Entries, depth + 1);
                    Indent(o, depth);
                    o.Write("}\n");
                    break;
                case ConfigValue value:
                    Indent(o, depth);
                    o.Write(Key(value.Key));
                    o.Write(" = ");
                    WriteValue(o, value, depth);
                    o.Write('\n');
                    break;
                default:
                    throw new ArgumentException($"Unknown node type {entry.GetType().Name}.", nameof(entries));
            }

            previous = entry;
        }
    }

    private static void WriteValue(TextWriter o, ConfigValue value, int depth)
    {
        var items = value.Items;
        if (!value.IsArray)
        {
            o.Write(Scalar(items[0]));
            return;
        }

        if (!IsAreaList(items))
        {
            o.Write('[');
            for (var i = 0; i < items.Count; i++)
            {
                o.Write(i == 0 ? "" : ", ");
                o.Write(Scalar(items[i]));
            }

            o.Write(']');
            return;
        }

        // stripes = [ "pv0", 0, "pv1", 0 ] as LVM's out_areas writes it: one pair per line.
        o.Write("[\n");
        for (var i = 0; i < items.Count; i += 2)
        {
            Indent(o, depth + 1);
            o.Write(Scalar(items[i]));
            o.Write(", ");
            o.Write(Scalar(items[i + 1]));
            o.Write(i + 2 < items.Count ? ",\n" : "\n");
        }

        Indent(o, depth);
        o.Write(']');
    }

    /// <summary>A non-empty list of (string, integer) pairs, the shape of segment area lists.</summary>
    private static bool IsAreaList(IReadOnlyList<ConfigScalar> items)
    {
        if (items.Count == 0 || items.Count % 2 != 0)
        {
            return false;
        }

        for (var i = 0; i < items.Count; i += 2)
        {
            if (!items[i].IsString || !items[i + 1].IsInteger)
            {
                return false;
            }
        }

        return true;
    }

    private static string Scalar(ConfigScalar s) => s.Kind switch
    {
        ConfigScalarKind.Text => Quote(s.Text),
        ConfigScalarKind.IntegerNumber when IsNumberText(s.Text, dotsAllowed: 0) => s.Text,
        ConfigScalarKind.FloatNumber when IsNumberText(s.Text, dotsAllowed: 1) => s.Text,
        _ => throw new ArgumentException($"'{s.Text}' is not valid number text.", nameof(s)),
    };

    /// <summary>Number text must re-tokenize as one number of its kind, or the round trip would change it.</summary>
    private static bool IsNumberText(string text, int dotsAllowed)
    {
        var i = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        int digits = 0, dots = 0;
        for (; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                digits++;
            }
            else if (text[i] == '.')
            {
                dots++;
            }
            else
            {
                return false;
            }
        }

        return digits > 0 && dots == dotsAllowed;
    }

    /// <summary>A key is written bare when the tokenizer would read it back as the same bare word.</summary>
    private static string Key(string key)
    {
        foreach (var c in key)
        {
            if (c <= ' ' || c is '#' or '=' or '{' or '}' or '[' or ']' or ',' or '"' or '\'' or '\x7f')
            {
                return Quote(key);
            }
        }

        return key.Length == 0 ? Quote(key) : key;
    }

    private static void Indent(TextWriter o, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            o.Write('\t');
        }
    }
}
