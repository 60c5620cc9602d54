using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>Where a carved VDI's uuid came from.</summary>
public enum VdiUuidSource
{
    /// <summary>Unknown: the VHD footer uuid stands in (it is not the VDI uuid).</summary>
    VhdFooter,

    /// <summary>A child's header parent name / parent locators (<c>VHD-&lt;uuid&gt;</c>).</summary>
    ChildLocator,

    /// <summary>A (stale) MGT record, matched through its snapshot_of link and creation order.</summary>
    MgtSnapshotLink,

    /// <summary>The only MGT record and the only unnamed VHD left.</summary>
    MgtLastOne,

    /// <summary>A QCOW2 child's backing file name (<c>…/QCOW2-&lt;uuid&gt;</c>), the child linked to this image (Qcow2ChainLinker).</summary>
    ChildBackingFile,

    /// <summary>Unknown: QCOW2 has no uuid of its own, so one derived from where the image starts stands in.</summary>
    Derived,
}

/// <summary>A carved VHD as a VDI: its LV, image, parent and name.</summary>
public sealed record CarvedVdi(CarvedVhd Vhd, CarvedLv Lv, VhdImage Image, string VdiUuid, VdiUuidSource UuidSource,
    Guid? ParentVhdUuid, IReadOnlyList<string> UuidCandidates)
{
    public string LvName => $"VHD-{VdiUuid}";

    public bool IsHidden => Image.IsHidden;
}
