using SrRescue.Qcow2;

namespace SrRescue.Xen;

/// <summary>
/// Where the backing file of a QCOW2 copied off an XCP-ng SR is among files: SM names it by the
/// LV's device path (`/dev/VG_XenStorage-&lt;sr&gt;/QCOW2-&lt;uuid&gt;`, sm qcow2util.py snapshot), and a
/// copy is named after the LV (`QCOW2-&lt;uuid&gt;`, with or without `.qcow2`) or after the VDI
/// (`&lt;uuid&gt;.qcow2`, as on file SRs).
/// </summary>
public static class Qcow2BackingFiles
{
    /// <summary>The file names the backing file named <paramref name="backingName"/> may have besides its own base name.</summary>
    public static IEnumerable<string> Names(string backingName)
    {
        ArgumentNullException.ThrowIfNull(backingName);
        var baseName = Path.GetFileName(backingName.Replace('\\', '/'));
        var lv = LvName.Parse(baseName);
        if (lv.Kind == LvKind.Qcow2Vdi && lv.VdiUuid is { } uuid)
        {
            yield return baseName + ".qcow2";
            yield return uuid + ".qcow2";
        }
        else if (baseName.EndsWith(".qcow2", StringComparison.Ordinal) && Guid.TryParse(baseName[..^".qcow2".Length], out var vdi))
        {
            yield return "QCOW2-" + vdi;
        }
    }

    /// <summary>A resolver for QCOW2 files in <paramref name="folder"/> that also knows these names.</summary>
    public static FileBackingResolver Resolver(string folder) => new(folder, Names);
}
