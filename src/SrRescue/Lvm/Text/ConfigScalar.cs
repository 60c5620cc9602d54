using System.Globalization;

namespace SrRescue.Lvm.Text;

/// <summary>
/// One scalar of the metadata text: a value or one element of an array. Numbers keep their token
/// text exactly as written (so <c>0755</c>, <c>-1</c> and u64 values survive a round trip); strings
/// keep their unescaped content.
/// </summary>
/// <param name="Text">Token text for numbers, the unescaped content for strings.</param>
/// <param name="Offset">Absolute byte offset of the token, or -1 for scalars built in code.</param>
public readonly record struct ConfigScalar(ConfigScalarKind Kind, string Text, long Offset = -1)
{
    public static ConfigScalar FromInt64(long value) =>
        new(ConfigScalarKind.IntegerNumber, value.ToString(CultureInfo.InvariantCulture));

    public static ConfigScalar FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ConfigScalar(ConfigScalarKind.Text, value);
    }

    public bool IsInteger => Kind == ConfigScalarKind.IntegerNumber;

    public bool IsString => Kind == ConfigScalarKind.Text;

    /// <summary>
    /// The integer value as <c>strtoll(text, NULL, 0)</c> reads it, but without its 64-bit limit:
    /// u64 values (and negative ones) fit. Null when this is not an integer or does not fit an
    /// Int128 (which only garbage can produce).
    /// </summary>
    public Int128? IntegerValue => IsInteger && LvmInteger.TryParse(Text, out var v) ? v : null;

    /// <summary>The integer value when it fits a signed 64-bit number.</summary>
    public bool TryGetInt64(out long value)
    {
        var v = IntegerValue;
        if (v is { } big && big >= long.MinValue && big <= long.MaxValue)
        {
            value = (long)big;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Same kind and text; the offset (where it was read) does not count.</summary>
    public bool ContentEquals(ConfigScalar other) =>
        Kind == other.Kind && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override string ToString() => Kind == ConfigScalarKind.Text ? $"\"{Text}\"" : Text;
}
