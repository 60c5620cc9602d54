namespace SrRescue.Io;

/// <summary>The finding codes about a source itself that other layers act on.</summary>
public static class SourceCodes
{
    /// <summary>A read past the end of the source: the structures say the data is there, the source is shorter.</summary>
    public const string Truncated = "source.truncated";

    /// <summary>The source is a container image (qcow2, VMDK, VHDX, VHD), not a raw disk.</summary>
    public const string Container = "source.container";
}
