using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace SrRescue.Carving;

/// <summary>
/// The choices a repair sweep is made to take where rivals fit an extent about as well: at PV
/// extent Pe, the VHD given (instead of the one the allocation order would take). Two sets are
/// equal when they force the same VHDs (known by their first extent) at the same extents, so that
/// the repair search sweeps each set once.
/// </summary>
internal sealed class ForcedChoices : IEquatable<ForcedChoices>
{
    /// <summary>The first sweep's: the allocation order decides everywhere.</summary>
    public static readonly ForcedChoices None = new(ImmutableSortedDictionary<long, VhdStart>.Empty);

    private readonly ImmutableSortedDictionary<long, VhdStart> _byPe;

    private ForcedChoices(ImmutableSortedDictionary<long, VhdStart> byPe) => _byPe = byPe;

    public bool TryGet(long pe, [MaybeNullWhen(false)] out VhdStart vhd) => _byPe.TryGetValue(pe, out vhd);

    /// <summary>
    /// These choices before extent <paramref name="pe"/>, and there <paramref name="vhd"/>. Those
    /// after it are dropped: they were made for maps that no longer follow, and the sweep that
    /// resumes at <paramref name="pe"/> chooses by allocation order again after it.
    /// </summary>
    public ForcedChoices Revise(long pe, VhdStart vhd) =>
        new(_byPe.RemoveRange(_byPe.Keys.Where(k => k >= pe)).SetItem(pe, vhd));

    public bool Equals(ForcedChoices? other) =>
        other is not null && _byPe.Count == other._byPe.Count
        && _byPe.Zip(other._byPe).All(p => p.First.Key == p.Second.Key && p.First.Value.Pe == p.Second.Value.Pe);

    public override bool Equals(object? obj) => Equals(obj as ForcedChoices);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (pe, vhd) in _byPe)
        {
            hash.Add(pe);
            hash.Add(vhd.Pe);
        }

        return hash.ToHashCode();
    }
}
