namespace SrRescue.Xen.Mgt;

/// <summary>Where a VDI record lies relative to the header length, which decides whether SM still reads it.</summary>
public enum MgtRecordPlacement
{
    /// <summary>Its slot starts before the header length: SM reads it (unless deleted).</summary>
    InsideLength,

    /// <summary>Past the header length: a stale record SM no longer reads (a deleted last slot, or an older MGT a shorter new one did not overwrite).</summary>
    PastLength,

    /// <summary>The header length is missing or implausible, so live and stale cannot be told apart.</summary>
    LengthUnknown,

    /// <summary>A <c>&lt;vdi&gt;</c> element of a legacy-format document.</summary>
    LegacyDocument,
}
