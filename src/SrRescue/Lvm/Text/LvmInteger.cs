namespace SrRescue.Lvm.Text;

/// <summary>
/// Reads an integer token the way libdm does (<c>strtoll(token, NULL, 0)</c>, lvm2.md 3.1): an
/// optional sign, then a leading <c>0</c> selects octal and reading stops at the first digit that
/// is not valid in the base. Unlike strtoll it does not clamp at 64 bits, so u64 values survive.
/// </summary>
internal static class LvmInteger
{
    /// <summary>38 decimal digits always fit an Int128 (max about 1.7e38); more is garbage.</summary>
    private const int MaxDigits = 38;

    public static bool TryParse(ReadOnlySpan<char> token, out Int128 value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (i < token.Length && (token[i] == '+' || token[i] == '-'))
        {
            negative = token[i] == '-';
            i++;
        }

        if (i >= token.Length || !char.IsAsciiDigit(token[i]))
        {
            return false;
        }

        var radix = token[i] == '0' && i + 1 < token.Length ? 8 : 10;
        Int128 result = 0;
        var digits = 0;
        for (; i < token.Length; i++)
        {
            var d = token[i] - '0';
            if (d < 0 || d >= radix)
            {
                break; // strtoll stops here; the rest of the token is ignored
            }

            if (++digits > MaxDigits)
            {
                return false;
            }

            result = (result * radix) + d;
        }

        value = negative ? -result : result;
        return true;
    }
}
