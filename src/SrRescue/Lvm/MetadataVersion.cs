using SrRescue.Diagnostics;
using SrRescue.Lvm.Model;

namespace SrRescue.Lvm;

/// <summary>
/// One version of a VG's metadata: a seqno and one text, found at one or more places (each mda of
/// each PV, backup files). Two different texts with the same seqno are two versions (lvm2.md 5.10).
/// The parsed model is made again on demand (<see cref="Vg"/>); the history keeps only
/// <see cref="Summary"/> and <see cref="Changes"/>.
/// </summary>
public sealed class MetadataVersion
{
    private readonly ParsedVgCache _parsed;
    private MetadataCopy? _primary;

    public MetadataVersion(long seqno, string vgName, string vgId, uint checksum, IReadOnlyList<MetadataCopy> copies,
        MetadataSummary? summary, IReadOnlyList<LvChange> changes)
        : this(seqno, vgName, vgId, checksum, copies, summary, changes, new ParsedVgCache())
    {
    }

    /// <param name="parsed">Where the parsed model is kept: one cache per history, so the versions share its budget.</param>
    internal MetadataVersion(long seqno, string vgName, string vgId, uint checksum, IReadOnlyList<MetadataCopy> copies,
        MetadataSummary? summary, IReadOnlyList<LvChange> changes, ParsedVgCache parsed)
    {
        Seqno = seqno;
        VgName = vgName;
        VgId = vgId;
        Checksum = checksum;
        Copies = copies;
        Summary = summary;
        Changes = changes;
        _parsed = parsed;
    }

    public long Seqno { get; }

    public string VgName { get; }

    public string VgId { get; }

    public uint Checksum { get; }

    public IReadOnlyList<MetadataCopy> Copies { get; }

    /// <summary>Null when the text is damaged or did not give a VG.</summary>
    public MetadataSummary? Summary { get; }

    /// <summary>The LV changes since the previous usable version.</summary>
    public IReadOnlyList<LvChange> Changes { get; }

    /// <summary>
    /// The parsed VG (parsed on first use, kept while the history's <see cref="ParsedVgCache"/>
    /// has room; parsed again after); null when damaged or unparsable.
    /// </summary>
    /// <remarks>A lean model: the text tree behind it is not kept (<see cref="TreeNotKept"/>); <see cref="ParseWithTree"/> gives one with it.</remarks>
    public VgMetadata? Vg => Summary is null ? null : _parsed.Get(this, () => MetadataHistory.Parse(Primary, new FindingLog(), keepTree: false));

    /// <summary>The VG with its text tree, for writing text from it (the restore file); parsed at each call, not kept.</summary>
    public VgMetadata? ParseWithTree() => Summary is null ? null : MetadataHistory.Parse(Primary, new FindingLog());

    /// <summary>
    /// A lean model that keeps the sections of the LVs <paramref name="keepLv"/> (name, id) names:
    /// what a restore takes from an older copy, without the tree of every LV it leaves. Not kept.
    /// </summary>
    public VgMetadata? ParseKeepingLvs(Func<string, string, bool> keepLv) =>
        Summary is null ? null : MetadataHistory.Parse(Primary, new FindingLog(), keepTree: false, keepLv);

    /// <summary>Every place holds a damaged (partly overwritten or cut) text.</summary>
    public bool IsDamaged => Copies.All(c => c.IsDamaged);

    /// <summary>Intact and parsed: usable for export and restore.</summary>
    public bool IsUsable => !IsDamaged && Summary is not null;

    public bool IsCommitted => Copies.Any(c => c.IsCommitted);

    /// <summary>The best place to read it from: intact first, the committed one first.</summary>
    public MetadataCopy Primary => _primary ??= Copies.OrderBy(c => c.IsDamaged).ThenByDescending(c => c.IsCommitted).ThenBy(c => c.Origin).First();

    public bool Defines(string lvName) => Summary?.LvNames.Contains(lvName) ?? false;
}
