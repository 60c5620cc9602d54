namespace SrRescue.Lvm.Text;

/// <summary>The kinds of scalar the LVM config grammar knows (lvm2.md 3.1).</summary>
public enum ConfigScalarKind
{
    /// <summary>A <c>[+-]?[0-9]+</c> token; its value is read like <c>strtoll(text, NULL, 0)</c>.</summary>
    IntegerNumber,

    /// <summary>A number token with one <c>.</c>; kept as text, LVM never uses one in metadata.</summary>
    FloatNumber,

    /// <summary>A double-quoted, single-quoted or bare-word string.</summary>
    Text,
}
