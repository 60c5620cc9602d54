using SrRescue.Qcow2;

namespace SrRescue.Carving;

/// <summary>
/// A QCOW2 image put back together from its extents. <see cref="ReferencedExtents"/>: the logical
/// extents its tables and clusters reach into (the LV has at least these);
/// <see cref="SizeRuleExtents"/>: the LV size sm gives its virtual size. Extents past the referenced
/// ones are slack, taken only where the LV's run continues.
/// </summary>
public sealed record CarvedQcow2(Qcow2Start Start, IReadOnlyList<CarvedExtent> Extents, long ReferencedExtents, long SizeRuleExtents, ExtentGrid Grid)
{
    public IReadOnlyList<long> Pes => Extents.Select(x => x.Pe).ToList();

    public long LvSizeBytes => Extents.Count * Grid.ExtentSizeBytes;

    /// <summary>The lowest confidence of any extent.</summary>
    public ExtentConfidence Confidence => Extents.Count == 0 ? ExtentConfidence.None : Extents.Min(x => x.Confidence);

    /// <summary>Whether every extent the image references was found.</summary>
    public bool IsComplete => Extents.Take((int)Math.Min(ReferencedExtents, Extents.Count)).All(x => x.Pe >= 0) && Extents.Count >= ReferencedExtents;
}

/// <summary>
/// A carved QCOW2 image as a VDI: its LV, the image read through it, its VDI uuid and where that
/// came from, and its backing file. QCOW2 keeps no uuid of its own: the VDI uuid is known only when
/// a child's backing file name gives it (<c>…/QCOW2-&lt;uuid&gt;</c>), or MGT does (Recovery's
/// CarvedVdiNaming); until then a uuid derived from where the image starts stands in.
/// </summary>
/// <param name="BackingVdiUuid">The VDI uuid the backing file name gives (<c>…/QCOW2-&lt;uuid&gt;</c>, <c>VHD-</c>, <c>LV-</c>); null when none or not an LV name.</param>
/// <param name="BackingLvName">The LV the backing file name gives, when it names one.</param>
/// <param name="ParentStartPe">The first extent of the carved image its backing file is (linked by name and shape, see Qcow2ChainLinker); null when not linked.</param>
/// <param name="ParentCandidatePes">The first extents of the carved images that could be its backing file, when they could not be told apart.</param>
public sealed record CarvedQcow2Vdi(CarvedQcow2 Carved, CarvedLv Lv, Qcow2Image Image, string VdiUuid, VdiUuidSource UuidSource, IReadOnlyList<string> UuidCandidates,
    string? BackingVdiUuid, string? BackingLvName, long? ParentStartPe, IReadOnlyList<long> ParentCandidatePes)
{
    public const string LvPrefix = "QCOW2-";

    public string LvName => LvPrefix + VdiUuid;

    public bool IsHidden => Carved.Start.IsHidden == true;

    public long StartPe => Carved.Start.Pe;
}
