namespace SrRescue.Lvm.Model;

/// <summary>A run of physical extents on one PV, named by PV id (pvN keys differ between copies).</summary>
public readonly record struct PhysicalExtentRange(string PvId, long FirstPe, long PeCount)
{
    /// <summary>One past the last PE (saturates instead of overflowing on damaged values).</summary>
    public long EndPe => FirstPe > long.MaxValue - PeCount ? long.MaxValue : FirstPe + PeCount;

    /// <summary>The PEs both ranges cover, or null when they do not meet.</summary>
    public PhysicalExtentRange? Intersect(PhysicalExtentRange other)
    {
        if (!string.Equals(PvId, other.PvId, StringComparison.Ordinal))
        {
            return null;
        }

        var first = Math.Max(FirstPe, other.FirstPe);
        var end = Math.Min(EndPe, other.EndPe);
        return end > first ? new PhysicalExtentRange(PvId, first, end - first) : null;
    }

    public override string ToString() => $"{PvId}:{FirstPe}-{EndPe - 1}";
}
