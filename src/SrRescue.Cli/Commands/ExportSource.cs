using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Qcow2;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>
/// What export reads for an LV: its bytes as stored, or the virtual disk of its VHD or QCOW2
/// chain (parents and backing files found among the SR's LVs, removed ones through the copy that
/// still has them); the LVs read, leaf first, and the parent that was not found.
/// </summary>
internal sealed record ExportSource(IByteSource Disk, IReadOnlyList<string> Members, IReadOnlyList<ExportReport.ChainLv> Chain, string? MissingParent,
    Guid? VhdUuid)
{
    public static ExportSource Open(SrVolumes volumes, string lvName, LvVolume volume, bool asStored, FindingLog log)
    {
        var kind = LvName.Parse(lvName).Kind;
        if (!asStored && kind == LvKind.VhdVdi)
        {
            var chain = VhdChain.Open(volume, lvName, new LvParentResolver(volumes), log, LvhdFooters.OnLv);
            return new ExportSource(chain.Disk, chain.MemberNames,
                [.. chain.MemberNames.Select((m, i) => i < chain.Members.Count
                    ? new ExportReport.ChainLv(m, chain.Members[i].Uuid.ToString(), chain.Members[i].IsHidden)
                    : new ExportReport.ChainLv(m, null, null))],
                chain.MissingParent, chain.Members[0].Uuid);
        }

        if (!asStored && kind == LvKind.Qcow2Vdi)
        {
            var chain = Qcow2Chain.Open(volume, lvName, new LvBackingResolver(volumes), log);
            return new ExportSource(chain.Disk, chain.MemberNames,
                [.. chain.MemberNames.Select((m, i) => new ExportReport.ChainLv(m, null, i < chain.Members.Count ? chain.Members[i].IsHidden ?? false : null))],
                chain.MissingBacking, null);
        }

        return new ExportSource(volume, [lvName], [new ExportReport.ChainLv(lvName, null, null)], null, null);
    }
}
