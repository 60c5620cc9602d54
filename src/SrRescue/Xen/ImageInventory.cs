using SrRescue.Diagnostics;
using SrRescue.Lvm;
using SrRescue.Qcow2;
using SrRescue.Vhd;

namespace SrRescue.Xen;

/// <summary>
/// Opens the image in every VHD-&lt;uuid&gt; and QCOW2-&lt;uuid&gt; LV of an SR and works out its chain:
/// virtual size, hidden flag, parent LV, depth, and the problems found on the way. One mechanism
/// for both formats, because everything above it (list, the doctor, export's plan) asks the same
/// questions of a VDI whatever its format. Each VDI's findings are kept with it, so one damaged
/// image does not hide the others.
/// </summary>
public static class ImageInventory
{
    public static IReadOnlyList<ImageFacts> Read(SrVolumes volumes, IEnumerable<string> lvNames)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(lvNames);
        var parents = new LvParentResolver(volumes);
        var backing = new LvBackingResolver(volumes);
        var facts = new List<ImageFacts>();
        foreach (var name in lvNames)
        {
            var kind = LvName.Parse(name).Kind;
            if (kind is not (LvKind.VhdVdi or LvKind.Qcow2Vdi))
            {
                continue;
            }

            var log = new FindingLog();
            if (volumes.Open(name, log) is not { } volume)
            {
                continue;
            }

            try
            {
                facts.Add(kind == LvKind.VhdVdi ? VhdFactsOf(name, volume, parents, log) : Qcow2FactsOf(name, volume, backing, log));
            }
            catch (CorruptDataException e)
            {
                facts.Add(new ImageFacts(name, kind, 0, false, null, 0, false, 1, 0, [e.Finding.ToString()]) { Readable = false });
            }
        }

        return facts;
    }

    private static ImageFacts VhdFactsOf(string name, LvVolume volume, LvParentResolver parents, FindingLog log)
    {
        var chain = VhdChain.Open(volume, name, parents, log, LvhdFooters.OnLv);
        var image = chain.Members[0];
        // Problems of this VDI's own VHD, plus a parent that cannot be found; its ancestors report
        // their own problems on their own lines.
        var own = log.Where(f => f.Source == volume.Name || VhdCodes.IsChain(f.Code)).ToList();
        var physical = image.DiskType == VhdDiskType.Fixed ? volume.Length : Math.Max(image.EndOfDataBytes, image.EndOfMetadataBytes) + VhdFooter.Size;
        return WithProblems(new ImageFacts(name, LvKind.VhdVdi, image.VirtualSizeBytes, image.IsHidden,
            chain.MemberNames.Count > 1 ? chain.MemberNames[1] : null, chain.Depth, chain.IsComplete, 0, 0, [])
        {
            Vhd = new VhdImageFacts(image.Uuid, physical, image.Header?.ParentUuid ?? Guid.Empty),
        }, own);
    }

    private static ImageFacts Qcow2FactsOf(string name, LvVolume volume, LvBackingResolver backing, FindingLog log)
    {
        var chain = Qcow2Chain.Open(volume, name, backing, log);
        var image = chain.Members[0];
        var own = log.Where(f => f.Source == volume.Name || f.Code.StartsWith(Qcow2Codes.ChainPrefix, StringComparison.Ordinal)).ToList();
        // The LV the backing file names, also when it is not found: list and scan say which parent is missing.
        var parent = chain.MemberNames.Count > 1 ? chain.MemberNames[1]
            : image.BackingFileName is { } b ? LvBackingResolver.LvOf(b)?.Lv : null;
        var flag = image.Extensions.FirstOrDefault(e => e.Type == Qcow2Extension.XcpHidden && e.Data.Length > 0);
        return WithProblems(new ImageFacts(name, LvKind.Qcow2Vdi, image.VirtualSizeBytes, image.IsHidden ?? false, parent,
            chain.MemberNames.Count, chain.IsComplete, 0, 0, [])
        {
            Qcow2 = new Qcow2ImageFacts((int)image.Header.Version, image.ClusterSizeBytes, image.BackingFileName, image.BackingFormat,
                image.IsHidden, flag is null ? null : flag.Offset + 8),
        }, own);
    }

    private static ImageFacts WithProblems(ImageFacts facts, List<Finding> own) => facts with
    {
        ErrorCount = own.Count(f => f.Severity == Severity.Error),
        WarningCount = own.Count(f => f.Severity == Severity.Warning),
        Problems = [.. own.Where(f => f.Severity != Severity.Info).Select(f => $"{f.Message} [{f.Code}]")],
    };
}
