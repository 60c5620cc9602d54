using SrRescue.Cli.Output;
using SrRescue.Partitions;
using SrRescue.Recovery;

namespace SrRescue.Cli.Commands;

/// <summary>The text output of `partitions`.</summary>
internal static class PartitionsText
{
    public static void Write(TextWriter o, PartitionInspection r, PartitionsOutcome written)
    {
        var d = r.Disk;
        o.WriteLine($"Disk {written.Source}: {Units.Bytes(d.DiskBytes)} ({d.DiskBytes} bytes), {d.DiskSectors} sectors of {d.SectorSize} bytes ({(d.SectorSizeKnown ? "from the GPT" : "assumed")}), table: {d.Kind}");
        if (d.Mbr is { } mbr)
        {
            o.WriteLine($"MBR: {(mbr.IsHybrid ? "hybrid (protective 0xEE plus other entries)" : mbr.IsProtective ? "protective (GPT disk)" : "DOS partition table")}, disk signature 0x{mbr.DiskSignature:x8}");
            var t = new TextTable("#", "TYPE", "BOOT", "FIRST SECTOR", "LAST SECTOR", "SIZE");
            foreach (var p in mbr.Partitions)
            {
                t.Add($"{p.Number}", $"0x{p.Type:x2}{(p.IsExtended ? " extended" : "")}", p.Bootable ? "*" : "", $"{p.StartLba}", $"{p.LastLba}", Units.Bytes(p.SectorCount * d.SectorSize));
            }

            t.Write(o);
        }
        else
        {
            o.WriteLine("MBR: none (no boot signature in sector 0)");
        }

        if (d.Gpt is { } gpt)
        {
            o.WriteLine($"GPT primary: {Health(gpt.Primary)}; backup: {Health(gpt.Backup)}; using the {gpt.Used?.Which ?? "-"}");
            Entries(o, gpt.Partitions, d.SectorSize);
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
                t.Add(pv.PvUuid, $"{pv.PvStartBytes}", $"{pv.PvStartBytes / d.SectorSize}", Units.Bytes(pv.DeviceSizeBytes), pv.CrcMatches ? "yes" : "NO", r.PartitionOf(pv)?.ToString() ?? "none");
            }

            t.Write(o);
        }

        var prop = r.Proposal;
        o.WriteLine();
        o.WriteLine($"Proposed table: {prop.Kind}: {prop.Reason}");
        if (prop.HasChanges)
        {
            o.WriteLine($"  GPT, disk GUID {prop.DiskGuid.ToString("D").ToUpperInvariant()}, usable sectors {prop.FirstUsableLba}-{prop.LastUsableLba}");
            Entries(o, prop.Entries, d.SectorSize);
            o.WriteLine("  Sectors to write:");
            foreach (var patch in prop.Patches)
            {
                o.WriteLine($"    {patch.What}: byte {patch.OffsetBytes}, {patch.Bytes.Length} bytes");
            }

            var args = prop.SgdiskArguments("DEVICE");
            if (args is not null)
            {
                o.WriteLine($"  The same table with sgdisk{(d.SectorSize == 512 ? "" : " (on the device itself: sgdisk assumes 512-byte sectors on an image file)")}:");
                o.WriteLine($"    sgdisk {string.Join(' ', args.Select(Quote))}");
            }
        }

        if (written.TableFile is not null)
        {
            o.WriteLine($"Table written to {written.TableFile}; to apply it to a device or a copy of the image:");
            foreach (var dd in written.DdCommands(prop, "DEVICE"))
            {
                o.WriteLine($"    {dd}");
            }
        }

        if (written.Journal is not null)
        {
            o.WriteLine($"Table written to {written.Source}. The old bytes are in {written.Journal}: 'srrescue undo {written.Journal}' puts them back.");
        }
    }

    private static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) ? $"'{s}'" : s;

    private static string Health(GptCopy? c) => c is null ? "missing"
        : c.IsValid ? "intact"
        : string.Join(", ", new[] { c.Header.CrcMatches ? null : "header checksum wrong", c.EntriesCrcMatches ? null : "entries checksum wrong" }.Concat(c.Problems).OfType<string>());

    private static void Entries(TextWriter o, IReadOnlyList<GptEntry> entries, int sectorSize)
    {
        var t = new TextTable("#", "FIRST SECTOR", "LAST SECTOR", "SIZE", "TYPE", "NAME", "UNIQUE GUID");
        foreach (var e in entries)
        {
            t.Add($"{e.Number}", $"{e.FirstLba}", $"{e.LastLba}", Units.Bytes((long)Math.Min(e.SectorCount, long.MaxValue / 8192) * sectorSize),
                $"{GptEntry.TypeName(e.TypeGuid)} ({e.TypeGuid.ToString("D").ToUpperInvariant()})", e.Name, e.UniqueGuid.ToString("D").ToUpperInvariant());
        }

        t.Write(o);
    }
}
