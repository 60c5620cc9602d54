namespace SrRescue.Lvm.Text;

/// <summary>
/// One token: its kind and the byte range [Start, End) it covers in the input. For quoted strings
/// the range includes the quotes; <see cref="Unterminated"/> says the closing quote is missing.
/// </summary>
internal readonly record struct ConfigToken(ConfigTokenKind Kind, int Start, int End, bool Unterminated = false)
{
    public bool IsScalar => Kind is ConfigTokenKind.QuotedString or ConfigTokenKind.BareWord
        or ConfigTokenKind.Integer or ConfigTokenKind.Float or ConfigTokenKind.BadNumber;

    public bool IsKey => Kind is ConfigTokenKind.QuotedString or ConfigTokenKind.BareWord;
}
