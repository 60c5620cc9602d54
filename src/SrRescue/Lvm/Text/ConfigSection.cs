namespace SrRescue.Lvm.Text;

/// <summary>
/// <c>key { … }</c>: an ordered list of entries, each a value or a sub-section. Like LVM's parser
/// ("without duplicate node check", lvm2.md 3.1) duplicate keys are all kept in order and lookups
/// return the first; unknown keys are kept too, so a copied section is copied verbatim.
/// Immutable: the With* methods return a new section.
/// </summary>
public sealed class ConfigSection : ConfigNode
{
    private readonly ConfigNode[] _entries;

    public ConfigSection(string key, IEnumerable<ConfigNode> entries, long offset = -1)
        : base(key, offset)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries];
        foreach (var e in _entries)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(entries));
        }
    }

    public IReadOnlyList<ConfigNode> Entries => _entries;

    /// <summary>The sub-sections, in order.</summary>
    public IEnumerable<ConfigSection> Sections => _entries.OfType<ConfigSection>();

    /// <summary>The values, in order.</summary>
    public IEnumerable<ConfigValue> Values => _entries.OfType<ConfigValue>();

    /// <summary>The first entry with this key (value or section), as LVM's lookups do.</summary>
    public ConfigNode? Find(string key)
    {
        foreach (var e in _entries)
        {
            if (string.Equals(e.Key, key, StringComparison.Ordinal))
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>The first entry with this key if it is a value.</summary>
    public ConfigValue? FindValue(string key) => Find(key) as ConfigValue;

    /// <summary>The first entry with this key if it is a section.</summary>
    public ConfigSection? FindSection(string key) => Find(key) as ConfigSection;

    /// <summary>The same key and offset with other entries.</summary>
    public ConfigSection WithEntries(IEnumerable<ConfigNode> entries) => new(Key, entries, Offset);

    /// <summary>
    /// Replaces the first entry with <paramref name="replacement"/>'s key, or appends it when the
    /// key is absent.
    /// </summary>
    public ConfigSection WithReplaced(ConfigNode replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var list = new List<ConfigNode>(_entries);
        var i = list.FindIndex(e => string.Equals(e.Key, replacement.Key, StringComparison.Ordinal));
        if (i >= 0)
        {
            list[i] = replacement;
        }
        else
        {
            list.Add(replacement);
        }

        return WithEntries(list);
    }

    public override bool ContentEquals(ConfigNode? other)
    {
        if (other is not ConfigSection s || s._entries.Length != _entries.Length ||
            !string.Equals(s.Key, Key, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < _entries.Length; i++)
        {
            if (!_entries[i].ContentEquals(s._entries[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => $"{Key} {{ {_entries.Length} entries }}";
}
