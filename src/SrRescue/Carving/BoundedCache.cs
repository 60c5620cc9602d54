using System.Diagnostics.CodeAnalysis;

namespace SrRescue.Carving;

/// <summary>
/// A cache of answers that holds at most <c>capacity</c> entries, whatever the size of the disk:
/// two generations, the newer filled until it holds half the capacity, then the older dropped and
/// the newer made the older (an entry asked for again moves back to the newer). What was used
/// lately stays; what was not used for a while goes, and is computed again if asked for. Only for
/// answers that are the same whenever they are computed (facts of the disk), so that dropping one
/// changes no result, only the time and the reads.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _half;
    private Dictionary<TKey, TValue> _newer = [];
    private Dictionary<TKey, TValue> _older = [];

    /// <param name="capacity">Most entries held (at least 2).</param>
    public BoundedCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _half = capacity / 2;
    }

    /// <summary>Entries held now (at most the capacity).</summary>
    public int Count => _newer.Count + _older.Count;

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_newer.TryGetValue(key, out value))
        {
            return true;
        }

        if (_older.Remove(key, out value))
        {
            Add(key, value);
            return true;
        }

        return false;
    }

    public bool ContainsKey(TKey key) => _newer.ContainsKey(key) || _older.ContainsKey(key);

    /// <summary>Keeps <paramref name="value"/> for <paramref name="key"/>, dropping the older generation when the newer is full.</summary>
    public void Set(TKey key, TValue value)
    {
        _older.Remove(key);
        Add(key, value);
    }

    private void Add(TKey key, TValue value)
    {
        if (_newer.Count >= _half && !_newer.ContainsKey(key))
        {
            (_older, _newer) = (_newer, _older);
            _newer.Clear();
        }

        _newer[key] = value;
    }
}
