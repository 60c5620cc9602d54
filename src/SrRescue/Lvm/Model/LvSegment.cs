using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// One segment of an LV (lvm2.md 3.7): logical extents [StartExtent, StartExtent + ExtentCount) and
/// where their data is. Only <c>striped</c> (which includes linear) and <c>linear</c> are mapped to
/// PEs here; other types are kept with their areas and references so they can be reported and
/// copied verbatim.
/// </summary>
public sealed record LvSegment
{
    /// <summary>The section key ("segment1"); segments are ordered by StartExtent, not by this.</summary>
    public required string Key { get; init; }

    public required long StartExtent { get; init; }

    public required long ExtentCount { get; init; }

    /// <summary>As written, flags included ("striped", "raid1", "raid5+RESHAPE").</summary>
    public required string Type { get; init; }

    /// <summary>stripe_count; 1 for linear; 0 when the type has none.</summary>
    public int StripeCount { get; init; }

    /// <summary>stripe_size in sectors; null for one stripe.</summary>
    public long? StripeSizeSectors { get; init; }

    public IReadOnlyList<SegmentArea> Areas { get; init; } = [];

    /// <summary>LVs this segment names outside its area list (mirror_log, pool, metadata, origin…).</summary>
    public IReadOnlyList<string> ReferencedLvNames { get; init; } = [];

    public long Offset { get; init; } = -1;

    private readonly ConfigSection? _section;

    /// <summary>The segment as written; a lean model keeps it only for segments that are not striped or linear (<see cref="UnmappedLvAdvice"/> reads them).</summary>
    public required ConfigSection Section { get => _section ?? throw TreeNotKept.For($"segment {Key}"); init => _section = value; }

    /// <summary>The type without <c>+FLAG</c> suffixes.</summary>
    public string BaseType
    {
        get
        {
            var plus = Type.IndexOf('+');
            return plus < 0 ? Type : Type[..plus];
        }
    }

    /// <summary>striped or linear: data lies on the areas' PVs, split across the stripes.</summary>
    public bool IsStriped => BaseType is SegmentTypes.Striped or SegmentTypes.Linear;

    /// <summary>
    /// Extents each area holds: extent_count / stripe_count for striped segments (lvm2.md 3.9),
    /// the whole extent_count for the others (each mirror image or pvmove area is a full copy).
    /// </summary>
    public long AreaLengthExtents => IsStriped && StripeCount > 0 ? ExtentCount / StripeCount : ExtentCount;

    /// <summary>One past the last logical extent (saturating).</summary>
    public long EndExtent => StartExtent > long.MaxValue - ExtentCount ? long.MaxValue : StartExtent + ExtentCount;
}
