namespace SrRescue.Lvm.Text;

/// <summary><c>key = scalar</c> or <c>key = [ scalar, … ]</c>.</summary>
public sealed class ConfigValue : ConfigNode
{
    private readonly ConfigScalar[] _items;

    /// <summary>A single-scalar value.</summary>
    public ConfigValue(string key, ConfigScalar scalar, long offset = -1)
        : base(key, offset)
    {
        _items = [scalar];
        IsArray = false;
    }

    /// <summary>An array value (possibly empty).</summary>
    public ConfigValue(string key, IEnumerable<ConfigScalar> items, long offset = -1)
        : base(key, offset)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
        IsArray = true;
    }

    public bool IsArray { get; }

    /// <summary>The elements of an array, or the one scalar of a plain value.</summary>
    public IReadOnlyList<ConfigScalar> Items => _items;

    /// <summary>The scalar of a plain value; null for an array.</summary>
    public ConfigScalar? Scalar => IsArray ? null : _items[0];

    /// <summary>The string of a plain string value; null otherwise.</summary>
    public string? AsString() => Scalar is { IsString: true } s ? s.Text : null;

    /// <summary>The number of a plain integer value that fits 64 bits.</summary>
    public bool TryGetInt64(out long value)
    {
        if (Scalar is { } s)
        {
            return s.TryGetInt64(out value);
        }

        value = 0;
        return false;
    }

    /// <summary>The same key with other items (same kind: array or plain).</summary>
    public ConfigValue WithItems(IEnumerable<ConfigScalar> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (IsArray)
        {
            return new ConfigValue(Key, items, Offset);
        }

        var list = items.ToList();
        if (list.Count != 1)
        {
            throw new ArgumentException("A plain value has exactly one scalar.", nameof(items));
        }

        return new ConfigValue(Key, list[0], Offset);
    }

    public override bool ContentEquals(ConfigNode? other)
    {
        if (other is not ConfigValue v || v.IsArray != IsArray || v._items.Length != _items.Length ||
            !string.Equals(v.Key, Key, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (!_items[i].ContentEquals(v._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() =>
        IsArray ? $"{Key} = [{string.Join(", ", _items)}]" : $"{Key} = {_items[0]}";
}
