using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>An LV as one metadata copy describes it (lvm2.md 3.6).</summary>
public sealed record LvMetadata
{
    public required string Name { get; init; }

    /// <summary>LV UUID, dashed; "" when the copy lacks it.</summary>
    public required string Id { get; init; }

    public IReadOnlyList<string> Status { get; init; } = [];

    public IReadOnlyList<string> Flags { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Unix time.</summary>
    public long? CreationTime { get; init; }

    public string? CreationHost { get; init; }

    /// <summary>The segments in logical-extent order.</summary>
    public IReadOnlyList<LvSegment> Segments { get; init; } = [];

    /// <summary>Absolute byte offset of the LV's section in the text, or -1.</summary>
    public long Offset { get; init; } = -1;

    private readonly ConfigSection? _section;

    /// <summary>The section it was read from, for verbatim copying.</summary>
    /// <remarks>Not kept in a lean model (<see cref="TreeNotKept"/>).</remarks>
    public required ConfigSection Section { get => _section ?? throw TreeNotKept.For($"LV {Name}"); init => _section = value; }

    /// <summary>Reading it produced an Error finding (bad segments, unknown areas…).</summary>
    public bool HasErrors { get; init; }

    /// <summary>Without VISIBLE the LV is an internal sub-LV (image, log, pool data…).</summary>
    public bool IsVisible => Status.Contains("VISIBLE", StringComparer.Ordinal);

    /// <summary>Sum of the segments' extent counts (saturating).</summary>
    public long ExtentCount
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < Segments.Count; i++)
            {
                var count = Segments[i].ExtentCount;
                sum = sum > long.MaxValue - count ? long.MaxValue : sum + count;
            }

            return sum;
        }
    }

    /// <summary>
    /// The PEs this LV's own segments occupy, by PV id, in logical-extent order: each PV area of
    /// each segment with its <see cref="LvSegment.AreaLengthExtents"/>. Areas that are sub-LVs are
    /// not followed (the sub-LV's own ranges say where they are); areas naming a PV key the copy
    /// does not have are left out.
    /// </summary>
    public IReadOnlyList<PhysicalExtentRange> PhysicalRanges(VgMetadata vg)
    {
        ArgumentNullException.ThrowIfNull(vg);
        var ranges = new List<PhysicalExtentRange>(Segments.Count);
        for (var s = 0; s < Segments.Count; s++)
        {
            var segment = Segments[s];
            for (var a = 0; a < segment.Areas.Count; a++)
            {
                var area = segment.Areas[a];
                if (area.IsPv && vg.FindPvByKey(area.Name) is { } pv)
                {
                    ranges.Add(new PhysicalExtentRange(pv.Id, area.StartIndex, segment.AreaLengthExtents));
                }
            }
        }

        return ranges;
    }
}
