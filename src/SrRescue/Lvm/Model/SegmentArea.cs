namespace SrRescue.Lvm.Model;

/// <summary>
/// One area of a segment: a (name, number) pair of the segment's area list (lvm2.md 3.7). The name
/// is looked up first as a PV key of the same copy ("pv0"), then as an LV name (a hidden sub-LV).
/// </summary>
/// <param name="Name">"pv0" (a key of this copy only, not an identity) or a sub-LV name.</param>
/// <param name="StartIndex">The first PE on that PV, or the first LE in that sub-LV.</param>
/// <param name="IsPv">The name is one of the copy's PV keys.</param>
/// <param name="Offset">Absolute byte offset of the name in the metadata text, or -1.</param>
public sealed record SegmentArea(string Name, long StartIndex, bool IsPv, long Offset = -1);
