using SrRescue.Lvm;
using SrRescue.Xen;

namespace SrRescue.Cli.Reports;

/// <summary>`scan`: every source with its PV label and metadata areas, the newest VG, the other VGs whose copies were found, the findings.</summary>
internal sealed record ScanReport(string Schema, IReadOnlyList<ScanReport.ScanSource> Sources, ScanVgReport? Vg, IReadOnlyList<ScanReport.ScanOtherVg> OtherVgs,
    IReadOnlyList<FindingReport> Findings)
{
    /// <summary>A source as a PV: <see cref="PvOffset"/> is where the PV starts in it (a partition), every offset is from the source's start.</summary>
    internal sealed record ScanSource(string Path, long Size, long PvOffset, string? PvUuid, ScanLabel? Label, long? DeviceSize, long? DataOffset,
        IReadOnlyList<ScanMda> MetadataAreas);

    /// <summary>The LVM label; <see cref="Sector"/> is counted from the PV's start.</summary>
    internal sealed record ScanLabel(long Offset, long Sector, bool CrcOk);

    /// <summary>A metadata area: its header (<see cref="HeaderReadable"/> false when none could be read) and the copies its ring holds.</summary>
    internal sealed record ScanMda(int Number, long Offset, long Size, bool HeaderReadable, bool HeaderOk, bool Ignored, long? CommittedSeqno, long? CommittedOffset,
        int Copies, int DamagedCopies);

    internal sealed record ScanOtherVg(string Name, string Id, int Versions, long? NewestSeqno);

    public static ScanReport Of(LvmInspection lvm)
    {
        var sources = lvm.Pvs.Pvs.Select(pv => new ScanSource(pv.Source, pv.LengthBytes, pv.PvOffsetBytes, pv.PvUuid,
            pv.Label is { } label ? new ScanLabel(pv.LabelOffsetBytes, (pv.LabelOffsetBytes - pv.PvOffsetBytes) / 512, label.CrcMatches) : null,
            pv.Header?.DeviceSizeBytes, pv.Header is { DataAreas.Count: > 0 } h ? h.DataAreas[0].OffsetBytes : null,
            [.. pv.MetadataAreas.Select(MdaOf)])).ToList();

        // The images are read before the findings are taken: reading them adds findings.
        var vg = lvm.Vg?.Newest?.Vg is { } newest
            ? ScanVgReport.Of(newest, lvm.Vg.Versions.Count, lvm.Pvs,
                ImageInventory.Read(new SrVolumes(lvm), newest.Lvs.Select(l => l.Name)).ToDictionary(v => v.LvName, StringComparer.Ordinal))
            : null;
        var others = lvm.History.Vgs.Where(v => !ReferenceEquals(v, lvm.Vg)).Select(o => new ScanOtherVg(o.VgName, o.VgId, o.Versions.Count, o.Newest?.Seqno)).ToList();
        return new ScanReport("srrescue.scan/1", sources, vg, others, FindingReport.Of(lvm.Findings));
    }

    private static ScanMda MdaOf(MetadataAreaScan a)
    {
        var committed = a.Copies.FirstOrDefault(c => c.IsCommitted);
        return new ScanMda(a.Number, a.StartBytes, a.SizeBytes, a.Header is not null, a.Header is { ChecksumMatches: true }, a.Header?.Committed.IsIgnored ?? false,
            committed?.Seqno, committed?.OffsetBytes, a.Copies.Count, a.Copies.Count(c => c.HasDamage));
    }
}
