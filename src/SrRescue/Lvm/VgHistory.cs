namespace SrRescue.Lvm;

/// <summary>Every version found of one VG (identified by its VG uuid), in seqno order.</summary>
public sealed record VgHistory(string VgId, string VgName, IReadOnlyList<MetadataVersion> Versions)
{
    /// <summary>The highest intact, parsed version: what LVM would read (it takes the highest seqno).</summary>
    public MetadataVersion? Newest => Versions.LastOrDefault(v => v.IsUsable && v.Copies.Any(c => c.IsCommitted))
        is { } committed && committed.Seqno >= (Versions.LastOrDefault(v => v.IsUsable)?.Seqno ?? long.MinValue)
        ? committed
        : Versions.LastOrDefault(v => v.IsUsable);

    public MetadataVersion? Find(long seqno) =>
        Versions.LastOrDefault(v => v.Seqno == seqno && v.IsUsable) ?? Versions.LastOrDefault(v => v.Seqno == seqno);

    /// <summary>The newest usable version that still defines an LV of this name (for a removed LV: its last definition).</summary>
    public MetadataVersion? NewestDefining(string lvName) =>
        Versions.LastOrDefault(v => v.IsUsable && v.Defines(lvName));
}
