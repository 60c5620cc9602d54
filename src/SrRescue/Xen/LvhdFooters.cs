using SrRescue.Vhd;

namespace SrRescue.Xen;

/// <summary>
/// How a VHD's footers look on an LV of an LVHD SR: tapdisk kills the primary footer with 0xC7
/// while the image is open and the copy at offset 0 can be newer than it, and a deflated LV
/// (vhd-util modify -s, then lvreduce to the next 4 MiB) has the footer at the end of the VHD's
/// data, not in the LV's last sector (vhd.md 1.3, 6.3).
/// </summary>
public static class LvhdFooters
{
    public static FooterPolicy OnLv { get; } = new() { KilledPrimaryIsNormal = true, CopiesMayDiffer = true, FooterMayFollowData = true };
}
