using SrRescue.Qcow2;

namespace SrRescue.Xen;

/// <summary>
/// Where the backing file of a QCOW2 copied off an XCP-ng SR is among files: SM names it by the
/// LV's device path (`/dev/VG_XenStorage-&lt;sr&gt;/QCOW2-&lt;uuid&gt;`, sm qcow2util.py snapshot; a raw
/// base is `LV-&lt;uuid&gt;`; the device-mapper spelling names the same LV, xenserver-lvhd.md 1.1, 2.8), and a
/// copy is named after the LV (`QCOW2-&lt;uuid&gt;`, with or without `.qcow2`) or after the VDI
/// (`&lt;uuid&gt;.qcow2`, as on file SRs).
/// </summary>
public static class Qcow2BackingFiles
{
    /// <summary>
    /// The file names the backing file named <paramref name="backingName"/> may have besides its own
    /// base name: the LV it names (by its path or its device-mapper spelling, <see cref="LvBackingResolver.LvOf"/>)
    /// with the extension of its kind (.qcow2, or .raw for a raw LV- base, .vhd for a VHD- one) or
    /// without, and the VDI uuid with that extension; for a file SR's &lt;uuid&gt;.qcow2, the LV name.
    /// </summary>
    public static IEnumerable<string> Names(string backingName)
    {
        ArgumentNullException.ThrowIfNull(backingName);
        var path = backingName.Replace('\\', '/');
        var baseName = Path.GetFileName(path);
        if (LvBackingResolver.LvOf(path) is { Lv: var lvName } && LvName.Parse(lvName) is { VdiUuid: { } uuid } lv)
        {
            var extension = lv.Kind switch { LvKind.Qcow2Vdi => ".qcow2", LvKind.VhdVdi => ".vhd", _ => ".raw" };
            if (lvName != baseName)
            {
                yield return lvName;
            }

            yield return lvName + extension;
            yield return uuid + extension;
        }
        else if (baseName.EndsWith(".qcow2", StringComparison.Ordinal) && Guid.TryParse(baseName[..^".qcow2".Length], out var vdi))
        {
            yield return "QCOW2-" + vdi;
        }
    }

    /// <summary>A resolver for QCOW2 files in <paramref name="folder"/> that also knows these names.</summary>
    public static FileBackingResolver Resolver(string folder) => new(folder, Names);
}
