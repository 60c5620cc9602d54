using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Xen.Mgt;

namespace SrRescue.Xen;

/// <summary>
/// Every VDI known from any source: the LVs of the newest metadata, LVs that only older copies
/// still have, the VHD or QCOW2 image in each, and the MGT records (live, deleted and stale) for names.
/// </summary>
public sealed class SrInventory
{
    private SrInventory(string? srUuid, MgtContent? mgt, IReadOnlyList<SrVdi> vdis)
    {
        SrUuid = srUuid;
        Mgt = mgt;
        Vdis = vdis;
    }

    public string? SrUuid { get; }

    /// <summary>The parsed MGT volume of the newest metadata that has one (null when there is none).</summary>
    public MgtContent? Mgt { get; }

    public IReadOnlyList<SrVdi> Vdis { get; }

    public static SrInventory Build(LvmInspection lvm, FindingLog log)
    {
        ArgumentNullException.ThrowIfNull(lvm);
        ArgumentNullException.ThrowIfNull(log);
        var volumes = new SrVolumes(lvm);
        var newest = lvm.Vg?.Newest;
        var srUuid = lvm.Vg is null ? null : LvName.SrUuidOf(lvm.Vg.VgName);
        var mgt = ReadMgt(volumes, log);
        var names = volumes.AllLvNames().Where(n => LvName.Parse(n).IsVdi).ToList();
        var facts = ImageInventory.Read(volumes, names).ToDictionary(f => f.LvName, StringComparer.Ordinal);
        var records = mgt?.BestPerUuid().ToDictionary(c => c.Uuid, c => c.Best, StringComparer.Ordinal) ?? [];
        var vdis = new List<SrVdi>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var parsed = LvName.Parse(name);
            var uuid = parsed.VdiUuid!;
            if (!seen.Add(uuid))
            {
                continue;
            }

            var present = newest?.Defines(name) ?? false;
            var version = volumes.VersionFor(name);
            var lv = version?.Vg?.FindLv(name);
            var overwritten = present ? [] : volumes.OverwrittenBy(name).Select(o => o.OtherLv).Distinct(StringComparer.Ordinal).ToList();
            facts.TryGetValue(name, out var image);
            image = image is { Readable: false } ? null : image;
            records.TryGetValue(uuid, out var record);
            vdis.Add(WithMgt(new SrVdi
            {
                Uuid = uuid,
                LvName = name,
                Kind = parsed.Kind,
                State = present ? VdiState.Present : overwritten.Count > 0 ? VdiState.DeletedOverwritten : VdiState.DeletedRecoverable,
                Seqno = version?.Seqno,
                LvSizeBytes = lv is null ? null : lv.ExtentCount * version!.Vg!.ExtentSizeBytes,
                VirtualSizeBytes = image?.VirtualSizeBytes ?? (parsed.Kind == LvKind.RawVdi && lv is not null ? lv.ExtentCount * version!.Vg!.ExtentSizeBytes : null),
                ParentUuid = image?.ParentLv is { } p ? LvName.Parse(p).VdiUuid : null,
                Hidden = image?.Hidden ?? (lv?.Tags.Contains("hidden", StringComparer.Ordinal) ?? false),
                Image = image,
                MgtRecord = "none",
                OverwrittenBy = overwritten,
            }, record));
        }

        foreach (var (uuid, record) in records.Where(r => !seen.Contains(r.Key)))
        {
            vdis.Add(WithMgt(new SrVdi
            {
                Uuid = uuid,
                Kind = record.VdiType switch { "vhd" => LvKind.VhdVdi, "raw" or "aio" => LvKind.RawVdi, "qcow2" => LvKind.Qcow2Vdi, _ => LvKind.Other },
                State = VdiState.Unaccounted,
                MgtRecord = "none",
            }, record));
        }

        return new SrInventory(srUuid, mgt, vdis);
    }

    private static SrVdi WithMgt(SrVdi vdi, MgtVdiRecord? record) => record is null ? vdi : vdi with
    {
        NameLabel = record.NameLabel,
        NameDescription = record.NameDescription,
        IsASnapshot = record.IsASnapshot,
        SnapshotOf = string.IsNullOrEmpty(record.SnapshotOf) ? null : record.SnapshotOf,
        SnapshotTime = string.IsNullOrEmpty(record.SnapshotTime) ? null : record.SnapshotTime,
        ReadOnly = record.ReadOnly,
        Type = record.Type,
        MgtRecord = record.IsStale ? "stale" : record.IsDeleted ? "deleted" : "live",
    };

    /// <summary>The MGT LV of the newest metadata that has one, parsed; null when there is none.</summary>
    private static MgtContent? ReadMgt(SrVolumes volumes, FindingLog log)
    {
        var volume = volumes.Open("MGT", log);
        if (volume is null)
        {
            return null;
        }

        var bytes = volume.ReadBytes(0, (int)Math.Min(volume.Length, 64L << 20));
        return MgtParser.Parse(bytes, 0, log, volume.Name);
    }
}
