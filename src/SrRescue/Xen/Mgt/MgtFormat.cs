namespace SrRescue.Xen.Mgt;

/// <summary>Which MGT layout the header sector shows (xenserver-lvhd.md 3.1, 3.4).</summary>
public enum MgtFormat
{
    /// <summary>No <c>XSSM</c> magic: the header is damaged, zeroed, or this is not an MGT.</summary>
    Missing,

    /// <summary><c>XSSM:&lt;length&gt;:1:2</c> text header, 512-byte sectors, 1024-byte VDI slots (XenServer 6.0 and later).</summary>
    Current,

    /// <summary>12-byte binary header then one pretty-printed <c>&lt;SRMetadata&gt;</c> document (before 6.0).</summary>
    Legacy,
}
