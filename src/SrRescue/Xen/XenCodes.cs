namespace SrRescue.Xen;

/// <summary>The finding codes of the SR layer (tests and JSON use them).</summary>
internal static class XenCodes
{
    /// <summary>A QCOW2 backing file path names another VG than the SR's; the LV of that name in this SR is read.</summary>
    public const string BackingOtherVg = "xen.backing.other-vg";
}
