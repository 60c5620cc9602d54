using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>Where a record lies in the buffer (relative offset) and what that means for SM.</summary>
internal readonly record struct MgtRecordSite(int Offset, int SlotIndex, MgtRecordPlacement Placement, bool Misaligned)
{
    /// <summary>Structural damage: an Error where SM reads the record (its parser would fail and hide every VDI), less for stale bytes.</summary>
    public Severity DamageSeverity => Placement switch
    {
        MgtRecordPlacement.InsideLength or MgtRecordPlacement.LegacyDocument => Severity.Error,
        MgtRecordPlacement.LengthUnknown => Severity.Warning,
        _ => Severity.Info,
    };

    /// <summary>A questionable field value.</summary>
    public Severity FieldSeverity => Placement is MgtRecordPlacement.InsideLength or MgtRecordPlacement.LegacyDocument ? Severity.Warning : Severity.Info;

    public string Describe() => Placement switch
    {
        MgtRecordPlacement.LegacyDocument => $"legacy <vdi> element {SlotIndex}",
        MgtRecordPlacement.PastLength when SlotIndex < 0 => "stale record after the legacy document",
        MgtRecordPlacement.PastLength => $"stale record in slot {SlotIndex} (past the header length)",
        _ when Misaligned => $"record at a misaligned sector in slot {SlotIndex}",
        _ => $"record in slot {SlotIndex}",
    };
}
