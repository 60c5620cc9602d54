namespace SrRescue.Vhd;

/// <summary>
/// What a differencing VHD says about its parent's name: the header's parent name and the paths
/// in the locators (vhd.md 2.2). What a name means (a path, an LVHD device-mapper name) is for
/// the resolver that looks for the parent.
/// </summary>
public static class ParentName
{
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
