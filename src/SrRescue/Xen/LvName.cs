using System.Text.RegularExpressions;

namespace SrRescue.Xen;

/// <summary>
/// The XenServer meaning of an LV name and of a VG name (xenserver-lvhd.md 1.1, 1.2). SM treats
/// everything after the VHD-/LV- prefix as the VDI uuid; we additionally require the uuid form so
/// that a stray LV is not presented as a VDI.
/// </summary>
public sealed partial record LvName(string Name, LvKind Kind, string? VdiUuid, string? JournalType)
{
    public const string VgPrefix = "VG_XenStorage-";
    private const string OldPrefix = "OLD_";
    private static readonly string[] JournalTypes = ["inflate", "clone", "leaf", "relink", "coalesce", "zero"];

    public bool IsVdi => Kind is LvKind.VhdVdi or LvKind.RawVdi or LvKind.Qcow2Vdi;

    /// <summary>The SR uuid of a VG named VG_XenStorage-&lt;uuid&gt;, else null.</summary>
    public static string? SrUuidOf(string vgName)
    {
        ArgumentNullException.ThrowIfNull(vgName);
        if (!vgName.StartsWith(VgPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = vgName[VgPrefix.Length..];
        return UuidPattern().IsMatch(rest) ? rest : null;
    }

    public static LvName Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "MGT")
        {
            return new LvName(name, LvKind.Mgt, null, null);
        }

        foreach (var (prefix, kind) in new[] { ("VHD-", LvKind.VhdVdi), ("LV-", LvKind.RawVdi), ("QCOW2-", LvKind.Qcow2Vdi) })
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = name[prefix.Length..];
            if (rest.StartsWith(OldPrefix, StringComparison.Ordinal) && UuidPattern().IsMatch(rest[OldPrefix.Length..]))
            {
                return new LvName(name, LvKind.CoalesceLeftover, rest[OldPrefix.Length..], null);
            }

            if (UuidPattern().IsMatch(rest))
            {
                return new LvName(name, kind, rest, null);
            }
        }

        if (name.StartsWith("jvhd_", StringComparison.Ordinal) && UuidPattern().IsMatch(name[5..]))
        {
            return new LvName(name, LvKind.VhdJournal, name[5..], "jvhd");
        }

        if (name.EndsWith(".cbtlog", StringComparison.Ordinal) && UuidPattern().IsMatch(name[..^7]))
        {
            return new LvName(name, LvKind.CbtLog, name[..^7], null);
        }

        if (name.EndsWith("_trim_lv", StringComparison.Ordinal))
        {
            return new LvName(name, LvKind.TrimLv, null, null);
        }

        // Journals are <type>_<vdi uuid>_<value> (journaler.py).
        var sep = name.IndexOf('_', StringComparison.Ordinal);
        if (sep > 0 && Array.IndexOf(JournalTypes, name[..sep]) >= 0 && name.Length >= sep + 1 + 36 && UuidPattern().IsMatch(name.AsSpan(sep + 1, 36)))
        {
            return new LvName(name, LvKind.Journal, name.Substring(sep + 1, 36), name[..sep]);
        }

        return new LvName(name, LvKind.Other, null, null);
    }

    /// <summary>A short human description of the kind, for tables.</summary>
    public string Describe() => Kind switch
    {
        LvKind.VhdVdi => "VDI (vhd)",
        LvKind.RawVdi => "VDI (raw)",
        LvKind.Qcow2Vdi => "VDI (qcow2)",
        LvKind.Mgt => "SR metadata (MGT)",
        LvKind.Journal => $"SM journal ({JournalType})",
        LvKind.VhdJournal => "vhd-util resize journal",
        LvKind.CbtLog => "CBT log",
        LvKind.CoalesceLeftover => "leaf-coalesce leftover",
        LvKind.TrimLv => "space-reclaim LV",
        _ => "other",
    };

    public string KindId => IdOf(Kind);

    /// <summary>The short name of a kind in the reports: vhd, raw, qcow2, mgt, journal, jvhd, cbtlog, coalesce-leftover, trim, other.</summary>
    public static string IdOf(LvKind kind) => kind switch
    {
        LvKind.VhdVdi => "vhd",
        LvKind.RawVdi => "raw",
        LvKind.Qcow2Vdi => "qcow2",
        LvKind.Mgt => "mgt",
        LvKind.Journal => "journal",
        LvKind.VhdJournal => "jvhd",
        LvKind.CbtLog => "cbtlog",
        LvKind.CoalesceLeftover => "coalesce-leftover",
        LvKind.TrimLv => "trim",
        _ => "other",
    };

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex UuidPattern();
}
