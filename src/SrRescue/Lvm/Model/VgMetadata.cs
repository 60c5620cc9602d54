using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// One metadata copy read as a VG (lvm2.md 3.3-3.7): the VG's identity and sizes, its PVs and LVs,
/// and the header fields (description, creation host and time). <see cref="Root"/> is the parsed
/// tree it came from, so sections can be copied verbatim when writing a restore file.
/// </summary>
public sealed class VgMetadata
{
    private Dictionary<string, PvMetadata>? _pvByKey;
    private Dictionary<string, PvMetadata>? _pvById;
    private Dictionary<string, LvMetadata>? _lvByName;
    private Dictionary<string, LvMetadata>? _lvById;

    /// <summary>The VG section's key.</summary>
    public required string Name { get; init; }

    /// <summary>VG UUID, dashed; "" when the copy lacks it.</summary>
    public required string Id { get; init; }

    public required long Seqno { get; init; }

    /// <summary>Extent size in 512-byte sectors (8192 = 4 MiB).</summary>
    public required long ExtentSizeSectors { get; init; }

    public IReadOnlyList<string> Status { get; init; } = [];

    public IReadOnlyList<string> Flags { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<PvMetadata> Pvs { get; init; } = [];

    /// <summary>All LVs, visible and hidden, in the copy's order.</summary>
    public IReadOnlyList<LvMetadata> Lvs { get; init; } = [];

    public string? Description { get; init; }

    public string? CreationHost { get; init; }

    /// <summary>Unix time the copy was written.</summary>
    public long? CreationTime { get; init; }

    private readonly ConfigSection? _root;
    private readonly ConfigSection? _section;

    /// <summary>The whole parsed text (header keys and VG section); not kept in a lean model (<see cref="TreeNotKept"/>).</summary>
    public required ConfigSection Root { get => _root ?? throw TreeNotKept.For($"VG {Name}"); init => _root = value; }

    /// <summary>The VG section inside <see cref="Root"/>; not kept in a lean model.</summary>
    public required ConfigSection Section { get => _section ?? throw TreeNotKept.For($"VG {Name}"); init => _section = value; }

    /// <summary>Absolute byte offset of the VG section, or -1.</summary>
    public long Offset { get; init; } = -1;

    public long ExtentSizeBytes => ExtentSizeSectors * 512;

    /// <summary>The PV with this key in this copy ("pv0"); the first one when keys repeat.</summary>
    public PvMetadata? FindPvByKey(string key) => Lookup(ref _pvByKey, Pvs, p => p.Key, key);

    /// <summary>The PV with this UUID.</summary>
    public PvMetadata? FindPvById(string id) => Lookup(ref _pvById, Pvs, p => p.Id, id);

    /// <summary>The LV with this name.</summary>
    public LvMetadata? FindLv(string name) => Lookup(ref _lvByName, Lvs, l => l.Name, name);

    /// <summary>The LV with this UUID.</summary>
    public LvMetadata? FindLvById(string id) => Lookup(ref _lvById, Lvs, l => l.Id, id);

    /// <summary>The same PV keys standing for the same PV ids, in the same order: a PV area of an LV means the same extents in both.</summary>
    public bool HasSamePvs(VgMetadata other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Pvs.Count != other.Pvs.Count)
        {
            return false;
        }

        for (var i = 0; i < Pvs.Count; i++)
        {
            if (!string.Equals(Pvs[i].Key, other.Pvs[i].Key, StringComparison.Ordinal) || !string.Equals(Pvs[i].Id, other.Pvs[i].Id, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => $"VG {Name} seqno {Seqno} ({Pvs.Count} PVs, {Lvs.Count} LVs)";

    private static T? Lookup<T>(ref Dictionary<string, T>? cache, IReadOnlyList<T> items, Func<T, string> key, string wanted)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (wanted.Length == 0)
        {
            return null; // "" stands for a missing id; it identifies nothing
        }

        // Built once on first use; a race only builds the same map twice.
        var map = cache;
        if (map is null)
        {
            map = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
            foreach (var item in items)
            {
                map.TryAdd(key(item), item); // first wins, like LVM's lookups
            }

            cache = map;
        }

        return map.GetValueOrDefault(wanted);
    }
}
