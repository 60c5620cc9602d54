namespace SrRescue.Lvm.Text;

/// <summary>
/// Sections a parse may take from an earlier parse instead of reading their text again: a ring of
/// metadata copies repeats each LV's section byte for byte in hundreds of versions. The parser
/// asks at each section it opens where <see cref="Offers"/> says so, and tells of each such
/// section it read to its closing brace.
/// </summary>
internal interface ISectionReuse
{
    /// <summary>Whether sections at <paramref name="depth"/> (1 = top level) inside the section <paramref name="parentKey"/> are offered.</summary>
    bool Offers(int depth, string parentKey);

    /// <summary>
    /// A section read before whose text is exactly <paramref name="text"/>[<paramref name="keyStart"/>..<paramref name="end"/>)
    /// (key to closing brace): the parser puts it in the tree as it is and goes on at
    /// <paramref name="end"/>. <paramref name="nodes"/> is how many keys and values it holds. Null when there is none.
    /// </summary>
    ConfigSection? TryReuse(ReadOnlySpan<byte> text, int keyStart, string key, out int end, out int nodes);

    /// <summary>A section read from <paramref name="text"/>[<paramref name="keyStart"/>..<paramref name="end"/>), holding <paramref name="nodes"/> keys and values.</summary>
    void Read(ConfigSection section, ReadOnlySpan<byte> text, int keyStart, int end, int nodes);
}
