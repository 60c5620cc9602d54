namespace SrRescue.Carving;

/// <summary>How sure the carver is that a physical extent is a given logical extent.</summary>
public enum ExtentConfidence
{
    /// <summary>Nothing placed it: the logical extent reads as zeros.</summary>
    None,

    /// <summary>Placed by allocation order alone, or among rivals that fit as well.</summary>
    Low,

    /// <summary>The structure fits, and rivals that fit about as well were ruled out by allocation order.</summary>
    Medium,

    /// <summary>The structure fits and no other free extent does.</summary>
    High,
}

/// <summary>
/// One logical extent of a carved LV: where it was found (Pe -1: nowhere, reads as zeros), why, and
/// the first extents of the other VHDs it fitted about as well (empty when it fitted only this one).
/// </summary>
public sealed record CarvedExtent(long Le, long Pe, ExtentConfidence Confidence, double Score, IReadOnlyList<string> Evidence, IReadOnlyList<long> RivalVhdStartPes);

/// <summary>A VHD put back together from its extents.</summary>
public sealed record CarvedVhd(VhdStart Start, IReadOnlyList<CarvedExtent> Extents, bool PrimaryFooterFound, IReadOnlyList<int> UnplacedBlocks, ExtentGrid Grid)
{
    public Guid VhdUuid => Start.VhdUuid;

    public IReadOnlyList<long> Pes => Extents.Select(x => x.Pe).ToList();

    public long LvSizeBytes => Extents.Count * Grid.ExtentSizeBytes;

    /// <summary>The lowest confidence of any extent.</summary>
    public ExtentConfidence Confidence => Extents.Count == 0 ? ExtentConfidence.None : Extents.Min(x => x.Confidence);
}
