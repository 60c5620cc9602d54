using System.Text;

namespace SrRescue.Lvm.Text;

/// <summary>
/// Reuses the strings of short ASCII tokens. A metadata ring holds thousands of copies of nearly
/// the same text (the same keys, flags, LV names and UUIDs over and over); without this, parsing a
/// full 11 MiB ring allocates a new string for every token, and the collector dominates the run.
/// Per thread, a fixed-size table: no locking, bounded memory, a miss just allocates.
/// </summary>
internal static class TokenStringCache
{
    private const int Slots = 1 << 14;
    private const int MaxLength = 64;

    [ThreadStatic]
    private static string?[]? _table;

    public static string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxLength || !Ascii.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var hash = new HashCode();
        hash.AddBytes(bytes);
        var slot = hash.ToHashCode() & (Slots - 1);
        var table = _table ??= new string?[Slots];
        var cached = table[slot];
        if (cached is not null && cached.Length == bytes.Length && Ascii.Equals(bytes, cached))
        {
            return cached;
        }

        var s = Encoding.ASCII.GetString(bytes);
        table[slot] = s;
        return s;
    }
}
