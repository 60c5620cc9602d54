namespace SrRescue.Diagnostics;

/// <summary>
/// One observation about the on-disk data: what structure, where (absolute byte offset in the
/// source it was read from), and, for checksum and field mismatches, the stored and the computed
/// or expected value.
/// </summary>
/// <param name="Code">A stable, dotted identifier such as <c>lvm.label.crc</c>; tests and JSON use it.</param>
/// <param name="Offset">Absolute byte offset in <paramref name="Source"/>, or -1 when it has no place.</param>
public sealed record Finding(
    Severity Severity,
    string Code,
    string Structure,
    long Offset,
    string Message,
    string? Stored = null,
    string? Computed = null,
    string? Source = null)
{
    public override string ToString()
    {
        var where = Offset >= 0 ? $" at byte {Offset}" : "";
        var src = Source is null ? "" : $" in {Source}";
        var values = Stored is null && Computed is null ? "" : $" (stored {Stored ?? "-"}, expected {Computed ?? "-"})";
        return $"{Severity.ToString().ToLowerInvariant()}: {Structure}{where}{src}: {Message}{values} [{Code}]";
    }
}
