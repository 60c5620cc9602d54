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
    /// <summary>
    /// The LV that --lv or --vdi names (exactly one of them), the metadata copy it is read through
    /// (--seqno, or the newest that defines it) and the LV opened as a volume. A mirror, RAID or thin
    /// LV stops here: a volume of zeros would look like the disk.
    /// </summary>
    public static (string LvName, MetadataVersion Version, LvVolume Volume) Locate(SrVolumes volumes, LvmInspection lvm, string? lv, string? vdi, long? seqno)
    {
        if ((lv is null) == (vdi is null))
        {
            throw new UsageException("give exactly one of --vdi UUID or --lv NAME");
        }

        var lvName = lv ?? volumes.LvOfVdi(vdi!) ?? throw new UsageException(NoLvFor(vdi!.Trim().ToLowerInvariant()));
        var version = volumes.VersionFor(lvName, seqno)
            ?? throw new UsageException(seqno is { } n
                ? $"the copy with seqno {n} does not define {lvName} (or is damaged)"
                : $"no metadata copy defines an LV named {lvName}; see 'srrescue history' for the LVs each copy has");
        // A mirror, RAID or thin LV has no extent map of its own: say which LV holds the data instead.
        if (version.Vg?.FindLv(lvName) is { } lvMeta && lvMeta.Segments.Count > 0 && lvMeta.Segments.All(s => !s.IsStriped)
            && SrRescue.Lvm.Model.UnmappedLvAdvice.For(version.Vg, lvMeta) is { } advice)
        {
            throw new StoppedException($"{advice}; nothing written", lvm.Findings);
        }

        return (lvName, version, volumes.Open(lvName, lvm.Findings, version.Seqno)!);
    }

    private static string NoLvFor(string uuid) => $"no metadata copy has an LV for VDI {uuid} (VHD-{uuid}, QCOW2-{uuid} or LV-{uuid})";

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
