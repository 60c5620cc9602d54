namespace SrRescue.Lvm.Text;

/// <summary>Tokens of the LVM config grammar (lvm2.md 3.1).</summary>
internal enum ConfigTokenKind
{
    EndOfInput,
    SectionBegin,
    SectionEnd,
    ArrayBegin,
    ArrayEnd,
    Assign,
    Comma,

    /// <summary>A double- or single-quoted string.</summary>
    QuotedString,

    /// <summary>A run of characters up to whitespace or a delimiter: a key, or a string value.</summary>
    BareWord,
    Integer,
    Float,

    /// <summary>Started like a number (sign, digit or dot after <c>=</c>, <c>[</c>, <c>,</c>) but is not one.</summary>
    BadNumber,
}
