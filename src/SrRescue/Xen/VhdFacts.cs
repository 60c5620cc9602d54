namespace SrRescue.Xen;

/// <summary>What the VHD inside one VDI's LV says about it (scan's VHD columns).</summary>
public sealed record VhdFacts(
    string LvName,
    Guid VhdUuid,
    long VirtualSizeBytes,
    long PhysicalSizeBytes,
    bool Hidden,
    Guid ParentVhdUuid,
    string? ParentLv,
    int ChainDepth,
    bool ChainComplete,
    int ErrorCount,
    int WarningCount,
    IReadOnlyList<string> Problems);
