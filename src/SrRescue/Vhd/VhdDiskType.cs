namespace SrRescue.Vhd;

/// <summary>The footer's disk type (vhd.md 1.1).</summary>
public enum VhdDiskType
{
    None = 0,
    Fixed = 2,
    Dynamic = 3,
    Differencing = 4,
}
