namespace SrRescue.Vhd;

/// <summary>
/// What a differencing VHD says about its parent's name: the header's parent name and the paths
/// in the locators. On LVHD SRs these hold the device-mapper name of the parent LV,
/// <c>VG_XenStorage--&lt;sr&gt;-VHD--&lt;uuid&gt;</c>, where device-mapper doubles every '-' inside the
/// VG and LV names and joins them with a single '-' (xenserver-lvhd.md 1.1, vhd.md 2.2).
/// </summary>
public static class ParentName
{
    /// <summary>Splits a device-mapper name (or a path ending in one) into VG and LV name; null when it is not one.</summary>
    public static (string Vg, string Lv)? FromDeviceMapper(string pathOrName)
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

    /// <summary>Every name the child gives for its parent: header name first, then each decodable locator.</summary>
    public static IReadOnlyList<string> Candidates(VhdImage child, Diagnostics.FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(child);
        var names = new List<string>();
        if (child.Header is not { } h)
        {
            return names;
        }

        if (h.ParentName.Length > 0)
        {
            names.Add(h.ParentName);
        }

        foreach (var loc in h.Locators.Where(l => l.HoldsPath))
        {
            var len = (int)Math.Min(loc.DataLength, ParentLocator.MaxDataBytes);
            if (loc.DataOffset >= (ulong)child.Source.Length)
            {
                log.Add(Diagnostics.Severity.Warning, "vhd.locator.range", "VHD parent locator", (long)Math.Min(loc.DataOffset, long.MaxValue),
                    $"{loc.CodeName} locator data lies outside the file", source: child.Name);
                continue;
            }

            var data = Io.ByteSourceExtensions.ReadBytes(child.Source, (long)loc.DataOffset, len);
            if (loc.DecodePath(data) is { } path && !names.Contains(path, StringComparer.Ordinal))
            {
                names.Add(path);
            }
        }

        return names;
    }
}
