using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// A QCOW2 image with its backing files, leaf first, and the virtual disk read through all of them.
/// QCOW2 has no parent UUID: a backing file is whatever the resolver finds under the name the child
/// gives, so loops are cut by name and the depth is capped at <see cref="MaxDepth"/>.
/// </summary>
public sealed class Qcow2Chain
{
    /// <summary>XCP-ng's sm caps QCOW2 chains at 30 (MAX_QCOW_CHAIN_LENGTH); this leaves room.</summary>
    public const int MaxDepth = 64;

    private Qcow2Chain(IReadOnlyList<Qcow2Image> members, IReadOnlyList<string> names, IByteSource disk, string? missing, IByteSource? lower)
    {
        Members = members;
        MemberNames = names;
        Disk = disk;
        MissingBacking = missing;
        LowerDisk = lower;
    }

    /// <summary>The QCOW2 images of the chain, leaf first.</summary>
    public IReadOnlyList<Qcow2Image> Members { get; }

    /// <summary>The name each member was found under, leaf first (one more when a non-QCOW2 disk is at the root).</summary>
    public IReadOnlyList<string> MemberNames { get; }

    /// <summary>The leaf's virtual disk read through the whole chain.</summary>
    public IByteSource Disk { get; }

    /// <summary>The backing file the last member names when it could not be found; null when complete.</summary>
    public string? MissingBacking { get; }

    /// <summary>The disk below the last QCOW2 member that is not itself QCOW2 (raw, or a virtual disk the resolver assembled).</summary>
    public IByteSource? LowerDisk { get; }

    public bool IsComplete => MissingBacking is null;

    public static Qcow2Chain Open(IByteSource leaf, string leafName, IQcow2BackingResolver resolver, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(log);
        var members = new List<Qcow2Image> { Qcow2Image.Open(leaf, log) };
        var names = new List<string> { leafName };
        var visited = new HashSet<string>(StringComparer.Ordinal) { leafName };
        string? missing = null;
        IByteSource? lower = null;
        while (members[^1] is { HasBacking: true } child)
        {
            var wanted = child.BackingFileName!;
            if (members.Count >= MaxDepth)
            {
                log.Add(Severity.Error, Qcow2Codes.ChainTooDeep, "QCOW2 chain", -1, $"the chain is deeper than {MaxDepth}; the rest is not read", source: child.Name);
                missing = wanted;
                break;
            }

            var found = wanted.Length == 0 ? null : resolver.Resolve(child, log);
            if (found is null)
            {
                log.Add(Severity.Error, Qcow2Codes.ChainBackingMissing, "QCOW2 backing file", Qcow2Header.Off.BackingFileOffset,
                    $"the backing file '{wanted}' was not found; what the image does not hold itself reads as zeros", source: child.Name);
                missing = wanted;
                break;
            }

            if (!visited.Add(found.Name))
            {
                log.Add(Severity.Error, Qcow2Codes.ChainLoop, "QCOW2 chain", -1, $"the chain loops back to {found.Name}", source: child.Name);
                missing = wanted;
                break;
            }

            names.Add(found.Name);
            if (child.BackingFormat == "raw" || !Qcow2Image.HasMagic(found.Source))
            {
                lower = found.Source;
                break;
            }

            members.Add(Qcow2Image.Open(found.Source, log));
        }

        var below = lower;
        for (var i = members.Count - 1; i >= 0; i--)
        {
            below = new Qcow2VirtualDisk(members[i], below);
        }

        return new Qcow2Chain(members, names, below!, missing, lower);
    }
}
