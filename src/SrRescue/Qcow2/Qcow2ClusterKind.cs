namespace SrRescue.Qcow2;

/// <summary>What a guest cluster (or subcluster) reads from.</summary>
public enum Qcow2ClusterKind
{
    /// <summary>Nothing here: the backing file, or zeros without one.</summary>
    Backing,

    /// <summary>Reads as zeros whatever the backing file holds.</summary>
    Zero,

    /// <summary>A host cluster of this image.</summary>
    Data,

    /// <summary>A compressed run of bytes in this image.</summary>
    Compressed,
}
