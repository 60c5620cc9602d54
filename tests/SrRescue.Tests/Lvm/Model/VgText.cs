using SrRescue.Tests.Lvm.Text;

namespace SrRescue.Tests.Lvm.Model;

/// <summary>Edits of real metadata text for the model tests: each edit must match exactly once.</summary>
internal static class VgText
{
    public const string S2VgId = "4cyiIe-Pg81-d9eZ-ebrZ-a9dV-Phxq-t52t6w";
    public const string S2Pv0Id = "S39kbu-OewN-Bt2Z-lajS-tiXP-e8JC-0BJj6a";
    public const string S2Pv1Id = "NkPCe6-HwTL-EWea-VeMg-kc9T-0q7u-x3inef";
    public const string SmallId = "onBCRW-ITkV-1rTt-KqgP-sbiR-vo3h-RamCvU";

    public static string S2Backup => LvmSamples.Text(LvmSamples.S2Backup);

    public static string S2Current => LvmSamples.Text(LvmSamples.S2Current);

    public static string Replace(this string text, string old, string replacement, bool once)
    {
        var first = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(first >= 0, $"'{old}' not in the text");
        Assert.True(!once || text.IndexOf(old, first + 1, StringComparison.Ordinal) < 0, $"'{old}' occurs more than once");
        return string.Concat(text.AsSpan(0, first), replacement, text.AsSpan(first + old.Length));
    }

    public static int At(this string text, string what)
    {
        var i = text.IndexOf(what, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{what}' not in the text");
        return i;
    }

    /// <summary>pv0 and pv1 swap keys (sections and area names): the same VG numbered differently.</summary>
    public static string SwapPvKeys(string text) =>
        text.Replace("pv0", "pvTMP", StringComparison.Ordinal)
            .Replace("pv1", "pv0", StringComparison.Ordinal)
            .Replace("pvTMP", "pv1", StringComparison.Ordinal);

    /// <summary>Removes the section that starts with <paramref name="header"/> (up to its matching brace).</summary>
    public static string RemoveSection(string text, string header)
    {
        var start = text.At(header);
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return string.Concat(text.AsSpan(0, start), text.AsSpan(i + 1));
            }
        }

        throw new InvalidOperationException("unbalanced");
    }
}
