using SrRescue.Lvm;
using SrRescue.Vhd;

namespace SrRescue.Xen;

/// <summary>
/// Where the parent of a VHD copied off an LVHD SR is among files: the child names it by its
/// device-mapper name (xenserver-lvhd.md 1.1), and a copy is named after the LV (`VHD-&lt;uuid&gt;`,
/// with or without `.vhd`) or after the VDI (`&lt;uuid&gt;.vhd`, as on file SRs).
/// </summary>
public static class LvhdParentFiles
{
    /// <summary>The file names the parent named <paramref name="parentName"/> may have; none when it is no device-mapper name.</summary>
    public static IEnumerable<string> Names(string parentName)
    {
        if (DeviceMapperName.Split(parentName) is not { Lv: var lv })
        {
            yield break;
        }

        yield return lv;
        yield return lv + ".vhd";
        var dash = lv.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            yield return lv[(dash + 1)..] + ".vhd";
        }
    }

    /// <summary>A resolver for VHD files in <paramref name="folder"/> that also knows these names and reads a copy named after its LV by the LV's footer rules.</summary>
    public static FileParentResolver Resolver(string folder) => new(folder, Names, path => LvhdFooters.For(path, isBlockDevice: false));
}
