using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// A VHD with its ancestors, leaf first, and the virtual disk read through all of them. Parents
/// are found by the resolver and accepted only when their footer UUID is the child's parent UUID
/// (tapdisk's rule, vhd.md 4.2). Loops and chains deeper than <see cref="MaxDepth"/> are cut.
/// </summary>
public sealed class VhdChain
{
    /// <summary>XenServer refuses chains longer than 30 (SnapshotChainTooLong); this leaves room.</summary>
    public const int MaxDepth = 64;

    private VhdChain(IReadOnlyList<VhdImage> members, IReadOnlyList<string> names, IByteSource disk, string? missingParent, IByteSource? rawParent)
    {
        Members = members;
        MemberNames = names;
        Disk = disk;
        MissingParent = missingParent;
        RawParent = rawParent;
    }

    /// <summary>The VHDs of the chain, leaf first.</summary>
    public IReadOnlyList<VhdImage> Members { get; }

    /// <summary>The name each member was found under (path or LV name), leaf first.</summary>
    public IReadOnlyList<string> MemberNames { get; }

    /// <summary>The leaf's virtual disk read through the whole chain.</summary>
    public IByteSource Disk { get; }

    /// <summary>What the last member names as its parent when that parent could not be found; null when complete.</summary>
    public string? MissingParent { get; }

    /// <summary>A raw (non-VHD) parent at the root, if any.</summary>
    public IByteSource? RawParent { get; }

    public bool IsComplete => MissingParent is null;

    public int Depth => Members.Count;

    public static VhdChain Open(IByteSource leaf, string leafName, IVhdParentResolver resolver, FindingLog log, FooterPolicy? footers = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(log);
        var members = new List<VhdImage> { VhdImage.Open(leaf, log, footers) };
        var names = new List<string> { leafName };
        var visited = new HashSet<Guid> { members[0].Uuid };
        string? missing = null;
        IByteSource? raw = null;
        while (members[^1] is { DiskType: VhdDiskType.Differencing } child)
        {
            var wanted = child.Header?.ParentUuid ?? Guid.Empty;
            var described = Describe(child);
            if (members.Count >= MaxDepth)
            {
                log.Add(Severity.Error, VhdCodes.ChainTooDeep, "VHD chain", -1, $"the chain is deeper than {MaxDepth}; the rest is not read", source: child.Name);
                missing = described;
                break;
            }

            var found = resolver.Resolve(child, log);
            if (found is null)
            {
                log.Add(Severity.Error, VhdCodes.ChainParentMissing, "VHD parent", 512 + DynamicHeader.Off.ParentName,
                    $"the parent {described} (footer uuid {wanted}) was not found", source: child.Name);
                missing = described;
                break;
            }

            if (wanted == Guid.Empty)
            {
                // blktap: a differencing disk with an empty parent UUID has a raw parent (vhd.md 2.1).
                raw = found.Source;
                names.Add(found.Name);
                break;
            }

            var parent = VhdImage.Open(found.Source, log, found.Footers);
            if (parent.Uuid != wanted)
            {
                log.Add(Severity.Error, VhdCodes.ChainParentUuid, "VHD parent", 512 + DynamicHeader.Off.ParentUuid,
                    $"{found.Name} is not the parent: its footer uuid differs from the child's parent uuid", parent.Uuid.ToString(), wanted.ToString(), child.Name);
                missing = described;
                break;
            }

            if (!visited.Add(parent.Uuid))
            {
                log.Add(Severity.Error, VhdCodes.ChainLoop, "VHD chain", -1, $"the chain loops back to {found.Name}", source: child.Name);
                missing = described;
                break;
            }

            members.Add(parent);
            names.Add(found.Name);
        }

        // Build the disk from the root up: each member reads its parent's virtual disk.
        IByteSource? below = raw;
        for (var i = members.Count - 1; i >= 0; i--)
        {
            below = new VhdVirtualDisk(members[i], below);
        }

        return new VhdChain(members, names, below!, missing, raw);
    }

    private static string Describe(VhdImage child)
    {
        var candidates = ParentName.Candidates(child, new FindingLog());
        return candidates.Count > 0 ? candidates[^1] : child.Header?.ParentName ?? "(unnamed)";
    }
}
