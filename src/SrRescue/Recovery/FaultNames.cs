using System.Text;

namespace SrRescue.Recovery;

/// <summary>The names fault ids and kinds have in the reports: <c>F3</c>, <c>VG</c>, <c>SOURCE</c>; <c>mda-wiped</c>.</summary>
public static class FaultNames
{
    public static string Name(this FaultId id) => id switch
    {
        FaultId.Vg => "VG",
        FaultId.Source => "SOURCE",
        _ => id.ToString(),
    };

    /// <summary>The kind in kebab case: <see cref="FaultKind.MultiPvLostVdi"/> is <c>multi-pv-lost-vdi</c>.</summary>
    public static string Name(this FaultKind kind)
    {
        var pascal = kind.ToString();
        var s = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && s.Length > 0)
            {
                s.Append('-');
            }

            s.Append(char.ToLowerInvariant(c));
        }

        return s.ToString();
    }
}
