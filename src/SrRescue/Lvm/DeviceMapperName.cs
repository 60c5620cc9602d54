namespace SrRescue.Lvm;

/// <summary>
/// The device-mapper name of an LV, as /dev/mapper shows it and LVHD parent locators hold it: the
/// VG and LV names with every '-' inside them doubled, joined by a single '-'
/// (<c>VG_XenStorage--&lt;sr&gt;-VHD--&lt;uuid&gt;</c>, xenserver-lvhd.md 1.1).
/// </summary>
internal static class DeviceMapperName
{
    /// <summary>Splits a device-mapper name (or a path ending in one) into VG and LV name; null when it is not one.</summary>
    public static (string Vg, string Lv)? Split(string pathOrName)
    {
        ArgumentNullException.ThrowIfNull(pathOrName);
        var name = pathOrName.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        const char Placeholder = '\u0001';
        var folded = name.Replace("--", Placeholder.ToString(), StringComparison.Ordinal);
        var parts = folded.Split('-');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return null;
        }

        return (parts[0].Replace(Placeholder, '-'), parts[1].Replace(Placeholder, '-'));
    }
}
