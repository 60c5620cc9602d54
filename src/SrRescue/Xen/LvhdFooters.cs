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

    /// <summary>
    /// The rules for a VHD read from <paramref name="path"/>: an LV's when it is a block device or a
    /// copy of an LV's bytes named after the LV (`VHD-&lt;uuid&gt;`, as `export --format lv` and the dom0
    /// scripts write them: the LV's length, so the footer of a deflated LV is not at the end), a
    /// file's otherwise.
    /// </summary>
    public static FooterPolicy For(string path, bool isBlockDevice) =>
        isBlockDevice || IsLvCopyName(Path.GetFileName(path)) ? OnLv : FooterPolicy.File;

    private static bool IsLvCopyName(string fileName) =>
        fileName.StartsWith("VHD-", StringComparison.Ordinal) && Guid.TryParseExact(fileName[4..], "D", out _);
}
