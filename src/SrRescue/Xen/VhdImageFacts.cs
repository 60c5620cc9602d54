namespace SrRescue.Xen;

/// <summary>What only a VHD says about its VDI: its footer uuid, the space it uses, its parent's footer uuid (empty when none).</summary>
public sealed record VhdImageFacts(Guid VhdUuid, long PhysicalSizeBytes, Guid ParentVhdUuid);
