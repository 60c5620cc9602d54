using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="PartitionsReport"/>: the disk, the tables with their health, the PVs, the proposed table, what was written.</summary>
internal static class PartitionsText
{
    public static void Write(TextWriter o, PartitionsReport r)
    {
        o.WriteLine($"Disk {r.Source}: {Units.Bytes(r.Size)} ({r.Size} bytes), {r.DiskSectors} sectors of {r.SectorSize} bytes ({(r.SectorSizeDetected ? "from the GPT" : "assumed")}), table: {r.Kind}");
        if (r.Mbr is { } mbr)
        {
            o.WriteLine($"MBR: {(mbr.Hybrid ? "hybrid (protective 0xEE plus other entries)" : mbr.Protective ? "protective (GPT disk)" : "DOS partition table")}, disk signature 0x{mbr.DiskSignature}");
            var t = new TextTable("#", "TYPE", "BOOT", "FIRST SECTOR", "LAST SECTOR", "SIZE");
            foreach (var p in mbr.Partitions)
            {
                t.Add($"{p.Number}", $"0x{p.Type}{(p.Extended ? " extended" : "")}", p.Bootable ? "*" : "", $"{p.FirstLba}", $"{p.LastLba}", Units.Bytes(p.Sectors * r.SectorSize));
            }

            t.Write(o);
        }
        else
        {
            o.WriteLine("MBR: none (no boot signature in sector 0)");
        }

        if (r.Gpt is { } gpt)
        {
            o.WriteLine($"GPT primary: {Health(gpt.Primary)}; backup: {Health(gpt.Backup)}; using the {(gpt.Used is { } used ? $"{used} GPT" : "-")}{(gpt.DiskGuid is { } g ? $", disk GUID {g}" : "")}");
            Entries(o, gpt.Partitions, r.SectorSize);
        }
        else
        {
            o.WriteLine("GPT: none (no \"EFI PART\" at LBA 1 or the last LBA)");
        }

        o.WriteLine();
        o.WriteLine(r.Pvs.Count == 0 ? $"PVs: none found{(r.Searched ? "" : " at the start of the disk or of a partition (--find searches every sector)")}" : "PVs found:");
        if (r.Pvs.Count > 0)
        {
            var t = new TextTable("PV UUID", "STARTS AT BYTE", "SECTOR", "SIZE", "LABEL OK", "PARTITION");
            foreach (var pv in r.Pvs)
            {
                t.Add(pv.PvUuid, $"{pv.PvOffset}", $"{pv.PvOffset / r.SectorSize}", Units.Bytes(pv.DeviceSize), pv.LabelCrcOk ? "yes" : "NO", pv.Partition?.ToString() ?? "none");
            }

            t.Write(o);
        }

        var prop = r.Proposed;
        o.WriteLine();
        o.WriteLine($"Proposed table: {prop.Kind}: {prop.Reason}");
        if (prop.Changes)
        {
            o.WriteLine($"  GPT, disk GUID {prop.DiskGuid ?? Guid.Empty.ToString("D")}, usable sectors {prop.FirstUsableLba}-{prop.LastUsableLba}");
            Entries(o, prop.Partitions, r.SectorSize);
            o.WriteLine("  Sectors to write:");
            foreach (var w in prop.Writes)
            {
                o.WriteLine($"    {w.What}: byte {w.Offset}, {w.Length} bytes");
            }

            if (prop.Sgdisk is { } args)
            {
                o.WriteLine($"  The same table with sgdisk{(r.SectorSize == 512 ? "" : " (on the device itself: sgdisk assumes 512-byte sectors on an image file)")}:");
                o.WriteLine($"    sgdisk {string.Join(' ', args.Select(Quote))}");
            }
        }

        if (r.TableFile is not null)
        {
            o.WriteLine($"Table written to {r.TableFile}; to apply it to a device or a copy of the image:");
            foreach (var dd in prop.Dd)
            {
                o.WriteLine($"    {dd}");
            }
        }

        if (r.Journal is not null)
        {
            o.WriteLine($"Table written to {r.Source}. The old bytes are in {r.Journal}: 'srrescue undo {r.Journal}' puts them back.");
        }

        FindingsText.Write(o, r.Findings);
    }

    private static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) ? $"'{s}'" : s;

    private static string Health(PartitionsReport.GptCopyEntry? c) => c is null ? "missing"
        : c.Valid ? "intact"
        : string.Join(", ", new[] { c.HeaderCrcOk ? null : "header checksum wrong", c.EntriesCrcOk ? null : "entries checksum wrong" }.Concat(c.Problems).OfType<string>());

    private static void Entries(TextWriter o, IReadOnlyList<PartitionsReport.GptPartitionEntry> entries, int sectorSize)
    {
        var t = new TextTable("#", "FIRST SECTOR", "LAST SECTOR", "SIZE", "TYPE", "NAME", "UNIQUE GUID");
        foreach (var e in entries)
        {
            t.Add($"{e.Number}", $"{e.FirstLba}", $"{e.LastLba}", Units.Bytes((long)Math.Min(e.Sectors, long.MaxValue / 8192) * sectorSize),
                $"{e.TypeName} ({e.TypeGuid})", e.Name, e.UniqueGuid);
        }

        t.Write(o);
    }
}
