using SrRescue.Diagnostics;
using SrRescue.Vhd;

namespace SrRescue.Xen;

/// <summary>
/// Opens the VHD in every VHD-&lt;uuid&gt; LV of a metadata version and works out its chain: virtual and
/// physical size, hidden flag, parent LV, depth, and the problems found on the way. Each VDI's
/// findings are kept with it, so one damaged VHD does not hide the others.
/// </summary>
public static class VhdInventory
{
    public static IReadOnlyList<VhdFacts> Read(SrVolumes volumes, IEnumerable<string> lvNames)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(lvNames);
        var resolver = new LvParentResolver(volumes);
        var facts = new List<VhdFacts>();
        foreach (var name in lvNames.Where(n => LvName.Parse(n).Kind == LvKind.VhdVdi))
        {
            var log = new FindingLog();
            var volume = volumes.Open(name, log);
            if (volume is null)
            {
                continue;
            }

            try
            {
                var chain = VhdChain.Open(volume, name, resolver, log, LvhdFooters.OnLv);
                var image = chain.Members[0];
                // Problems of this VDI's own VHD, plus a parent that cannot be found; its
                // ancestors report their own problems on their own lines.
                var own = log.Where(f => f.Source == volume.Name || VhdCodes.IsChain(f.Code)).ToList();
                var physical = image.DiskType == VhdDiskType.Fixed ? volume.Length : Math.Max(image.EndOfDataBytes, image.EndOfMetadataBytes) + VhdFooter.Size;
                facts.Add(new VhdFacts(name, image.Uuid, image.VirtualSizeBytes, physical, image.IsHidden,
                    image.Header?.ParentUuid ?? Guid.Empty, chain.MemberNames.Count > 1 ? chain.MemberNames[1] : null,
                    chain.Depth, chain.IsComplete,
                    own.Count(f => f.Severity == Severity.Error), own.Count(f => f.Severity == Severity.Warning),
                    [.. own.Where(f => f.Severity != Severity.Info).Select(f => $"{f.Message} [{f.Code}]")]));
            }
            catch (CorruptDataException e)
            {
                facts.Add(new VhdFacts(name, Guid.Empty, 0, 0, false, Guid.Empty, null, 0, false, 1, 0, [e.Finding.ToString()]));
            }
        }

        return facts;
    }
}
