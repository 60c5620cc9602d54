namespace SrRescue.Lvm.Text;

/// <summary><c>key = scalar</c> or <c>key = [ scalar, … ]</c>.</summary>
public sealed class ConfigValue : ConfigNode
{
    // A plain value keeps its scalar inline, an array its items: no one-item array per plain
    // value (a VG of 16,000 LVs has about 250,000 of them, kept while its model is, issue 14).
    private readonly ConfigScalar _scalar;
    private readonly ConfigScalar[]? _array;

    /// <summary>A single-scalar value.</summary>
    public ConfigValue(string key, ConfigScalar scalar, long offset = -1)
        : base(key, offset)
    {
        _scalar = scalar;
    }

    /// <summary>An array value (possibly empty).</summary>
    public ConfigValue(string key, IEnumerable<ConfigScalar> items, long offset = -1)
        : base(key, offset)
    {
        ArgumentNullException.ThrowIfNull(items);
        _array = [.. items];
    }

    public bool IsArray => _array is not null;

    /// <summary>The elements of an array, or the one scalar of a plain value.</summary>
    public IReadOnlyList<ConfigScalar> Items => _array ?? [_scalar];

    /// <summary>The scalar of a plain value; null for an array.</summary>
    public ConfigScalar? Scalar => _array is null ? _scalar : null;

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
        if (other is not ConfigValue v || v.IsArray != IsArray || !string.Equals(v.Key, Key, StringComparison.Ordinal))
        {
            return false;
        }

        if (_array is null)
        {
            return _scalar.ContentEquals(v._scalar);
        }

        if (v._array!.Length != _array.Length)
        {
            return false;
        }

        for (var i = 0; i < _array.Length; i++)
        {
            if (!_array[i].ContentEquals(v._array[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() =>
        _array is not null ? $"{Key} = [{string.Join(", ", _array)}]" : $"{Key} = {_scalar}";
}
