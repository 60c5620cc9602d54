using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>A PV as one metadata copy describes it (lvm2.md 3.5). Sizes are 512-byte sectors.</summary>
public sealed record PvMetadata
{
    /// <summary>"pv0", "pv1"…: an index within this copy only; identity is <see cref="Id"/>.</summary>
    public required string Key { get; init; }

    /// <summary>PV UUID, dashed; "" when the copy lacks it.</summary>
    public required string Id { get; init; }

    /// <summary>Last known device path: a hint only.</summary>
    public string? Device { get; init; }

    public long? DevSizeSectors { get; init; }

    /// <summary>Start of extent 0, in sectors from the start of the PV.</summary>
    public required long PeStartSectors { get; init; }

    public required long PeCount { get; init; }

    public IReadOnlyList<string> Status { get; init; } = [];

    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>Absolute byte offset of the PV's section in the text, or -1.</summary>
    public long Offset { get; init; } = -1;

    public required ConfigSection Section { get; init; }
}
