namespace SrRescue.Recovery.Dom0;

/// <summary>The finding codes of the dom0 path.</summary>
public static class Dom0Codes
{
    /// <summary>A capture's manifest is missing or not one.</summary>
    public const string Manifest = "dom0.manifest";
}
