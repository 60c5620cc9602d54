using System.Collections;
using System.Numerics;

namespace SrRescue.Carving;

/// <summary>
/// A set of VHD numbers (indexes in a sweep's list of starts), enumerated in ascending order, kept
/// in the fewer bytes of two forms: the numbers (4 bytes each) or a bit per number up to the
/// highest. The rivals of one choice between hundreds of VHDs take a bit each, not a reference
/// each: the repair search keeps a thousand such choices per queued sweep (issue 14).
/// </summary>
internal sealed class VhdNumberSet : IReadOnlyCollection<int>
{
    private readonly int[]? _numbers;
    private readonly ulong[]? _bits;

    private VhdNumberSet(int[]? numbers, ulong[]? bits, int count)
    {
        _numbers = numbers;
        _bits = bits;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Bytes the set holds its numbers in (without the objects' headers).</summary>
    public int PayloadBytes => _numbers is { } n ? n.Length * sizeof(int) : _bits!.Length * sizeof(ulong);

    /// <summary>The set of <paramref name="ascending"/>, which must be strictly ascending and not negative.</summary>
    public static VhdNumberSet Of(IReadOnlyList<int> ascending)
    {
        for (var i = 0; i < ascending.Count; i++)
        {
            if (ascending[i] < 0 || (i > 0 && ascending[i] <= ascending[i - 1]))
            {
                throw new ArgumentException($"VHD numbers must be ascending and not negative: {ascending[i]} at {i}", nameof(ascending));
            }
        }

        var words = ascending.Count == 0 ? 0 : (ascending[^1] >> 6) + 1;
        if ((long)ascending.Count * sizeof(int) <= (long)words * sizeof(ulong))
        {
            return new VhdNumberSet([.. ascending], null, ascending.Count);
        }

        var bits = new ulong[words];
        foreach (var n in ascending)
        {
            bits[n >> 6] |= 1UL << (n & 63);
        }

        return new VhdNumberSet(null, bits, ascending.Count);
    }

    public IEnumerator<int> GetEnumerator()
    {
        if (_numbers is { } numbers)
        {
            foreach (var n in numbers)
            {
                yield return n;
            }

            yield break;
        }

        for (var w = 0; w < _bits!.Length; w++)
        {
            for (var bits = _bits[w]; bits != 0; bits &= bits - 1)
            {
                yield return (w << 6) + BitOperations.TrailingZeroCount(bits);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
