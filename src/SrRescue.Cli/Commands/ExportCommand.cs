using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Lvm.Model;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `export --lv NAME [--seqno N] -o FILE`: the LV's bytes, read through its extent map. A removed
/// LV is read through the newest metadata copy that still defines it.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext ctx)
    {
        var lvOption = new Option<string>("--lv") { Description = "The LV to export, e.g. VHD-<vdi uuid>.", Required = true };
        var seqno = CommonOptions.Seqno(description: "Read the LV through this metadata copy (default: the newest that defines it).");
        var output = CommonOptions.Output();
        var force = CommonOptions.Force("Overwrite an existing output file.");
        var cmd = new LvmCommand("export", "Write an LV's bytes to a file (sparse: holes where the LV reads as zeros).", lvOption, seqno, output, force);
        return cmd.SetAction((p, lvm, json) =>
        {
            var outPath = p.GetValue(output)!;
            var lvName = p.GetValue(lvOption)!;
            var vgHistory = Versions.RequireVg(lvm);
            var version = p.GetValue(seqno) is { } n ? Versions.RequireUsable(lvm, n) : vgHistory.NewestDefining(lvName);
            var lv = version?.Vg!.FindLv(lvName);
            if (version is null || lv is null)
            {
                throw new UsageException(version is null
                    ? $"no metadata copy defines an LV named {lvName}; see 'srrescue history' for the LVs each copy has"
                    : $"the copy with seqno {version.Seqno} has no LV named {lvName}");
            }

            var newest = vgHistory.Newest;
            var overwritten = newest is null || ReferenceEquals(newest, version) ? [] : Overlaps(lv, version.Vg!, newest.Vg!);
            var volume = LvVolume.Open(version.Vg!, lv, lvm.Pvs.FindPv, lvm.Findings);
            var bar = new ProgressBar(ctx);
            long dataBytes;
            using (var file = OutputFile.Create(outPath, p.GetValue(force)))
            {
                dataBytes = SparseCopy.Copy(volume, file, bar);
            }

            bar.Done();
            if (json)
            {
                using var j = new JsonOut(ctx.Out, "export");
                var w = j.W;
                w.WriteString("lv", lvName);
                w.WriteNumber("seqno", version.Seqno);
                w.WriteBoolean("in_newest_metadata", newest?.Vg?.FindLv(lvName) is not null);
                w.WriteString("output", outPath);
                w.WriteNumber("size", volume.Length);
                w.WriteNumber("data_bytes", dataBytes);
                w.WriteStartArray("unmapped");
                foreach (var u in volume.UnmappedRanges)
                {
                    w.WriteStartObject();
                    w.WriteNumber("offset", u.OffsetBytes);
                    w.WriteNumber("length", u.LengthBytes);
                    w.WriteString("reason", u.Reason);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("now_used_by_other_lvs");
                foreach (var (range, other) in overwritten)
                {
                    w.WriteStartObject();
                    w.WriteString("pv_id", range.PvId);
                    w.WriteNumber("first_pe", range.FirstPe);
                    w.WriteNumber("pe_count", range.PeCount);
                    w.WriteString("lv", other);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                j.Findings(lvm.Findings);
            }
            else
            {
                ctx.Out.WriteLine($"Exported {lvName} ({Units.Bytes(volume.Length)}, {Units.Bytes(dataBytes)} of data) from metadata seqno {version.Seqno} to {outPath}");
                foreach (var u in volume.UnmappedRanges)
                {
                    ctx.Out.WriteLine($"  NOT RECOVERED: bytes {u.OffsetBytes}-{u.OffsetBytes + u.LengthBytes - 1} written as zeros: {u.Reason}");
                }

                foreach (var (range, other) in overwritten)
                {
                    ctx.Out.WriteLine($"  WARNING: extents {range} now belong to {other} in the newest metadata; their data may be overwritten");
                }
            }

            return volume.UnmappedRanges.Count > 0 || overwritten.Count > 0 ? ExitCodes.DataErrors : ExitCodes.Success;
        }, output);
    }

    /// <summary>Extents of a removed LV that the newest metadata gives to another LV.</summary>
    private static List<(PhysicalExtentRange Range, string OtherLv)> Overlaps(LvMetadata lv, VgMetadata vg, VgMetadata newest)
    {
        var result = new List<(PhysicalExtentRange, string)>();
        if (newest.FindLvById(lv.Id) is not null)
        {
            return result;
        }

        foreach (var mine in lv.PhysicalRanges(vg))
        {
            foreach (var other in newest.Lvs)
            {
                foreach (var theirs in other.PhysicalRanges(newest))
                {
                    if (mine.Intersect(theirs) is { } overlap)
                    {
                        result.Add((overlap, other.Name));
                    }
                }
            }
        }

        return result;
    }
}
