using System.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// The result of building a vgcfgrestore file: the file text (unless refused), what it restores
/// and every reason it is unsafe.
/// </summary>
public sealed record RestorePlan
{
    /// <summary>The file for <c>vgcfgrestore -f</c>, its UTF-8 bytes as they are written; null when <see cref="Refused"/>.</summary>
    public byte[]? Utf8 { get; init; }

    /// <summary>The file as text, decoded from <see cref="Utf8"/> at each call; null when <see cref="Refused"/>.</summary>
    public string? Text => Utf8 is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>
    /// The seqno written in the file: the highest seqno known on disk. vgcfgrestore stores the
    /// restored metadata with this + 1 (<see cref="RestoredSeqno"/>), above every copy on disk.
    /// </summary>
    public required long Seqno { get; init; }

    /// <summary>The seqno the metadata will have on disk after vgcfgrestore (lvm2.md 4.2).</summary>
    public long RestoredSeqno => Seqno + 1;

    /// <summary>The LVs added to the newest metadata: the chosen ones and the hidden sub-LVs they use.</summary>
    public IReadOnlyList<string> RestoredLvs { get; init; } = [];

    /// <summary>Extent ranges of restored LVs that another LV uses.</summary>
    public IReadOnlyList<RestoreConflict> Conflicts { get; init; } = [];

    /// <summary>Why the plan is unsafe or refused, one sentence each (also logged as findings).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>
    /// No file was produced: a problem that force cannot override (a PV or LV that cannot be
    /// found, a name or id already in use), or any problem without force.
    /// </summary>
    public required bool Refused { get; init; }

    /// <summary>A file was produced and nothing is wrong with it.</summary>
    public bool IsSafe => !Refused && Problems.Count == 0;
}
