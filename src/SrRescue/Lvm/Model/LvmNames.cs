namespace SrRescue.Lvm.Model;

/// <summary>Syntax rules for LVM names and UUIDs (lib/misc/lvm-string.c, lib/id/id.c; lvm2.md 3.3, 3.4).</summary>
internal static class LvmNames
{
    /// <summary>Positions of the dashes in the 6-4-4-4-4-4-6 form of a 32-character id.</summary>
    private static readonly int[] DashPositions = [6, 11, 16, 21, 26, 31];

    public const int MaxNameLength = 127;

    /// <summary>[A-Za-z0-9._+-], not starting with '-', not "." or "..", at most 127 characters.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length is 0 or > MaxNameLength || name[0] == '-' || name is "." or "..")
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '+' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The dashed form LVM writes: 32 characters of [0-9A-Za-z!#] grouped 6-4-4-4-4-4-6.</summary>
    public static bool IsValidUuid(string id)
    {
        if (id.Length != 32 + DashPositions.Length)
        {
            return false;
        }

        for (var i = 0; i < id.Length; i++)
        {
            var dash = Array.IndexOf(DashPositions, i) >= 0;
            if (dash ? id[i] != '-' : !(char.IsAsciiLetterOrDigit(id[i]) || id[i] is '!' or '#'))
            {
                return false;
            }
        }

        return true;
    }
}
