using SrRescue.Cli.Output;
using SrRescue.Partitions;
using SrRescue.Recovery;

namespace SrRescue.Cli.Commands;

/// <summary>The JSON of `partitions` (schema srrescue.partitions/1).</summary>
internal static class PartitionsJson
{
    public static void Write(JsonOut j, PartitionInspection r, PartitionsOutcome written)
    {
        var w = j.W;
        var d = r.Disk;
        w.WriteString("source", written.Source);
        w.WriteNumber("size", d.DiskBytes);
        w.WriteNumber("sector_size", d.SectorSize);
        w.WriteBoolean("sector_size_detected", d.SectorSizeKnown);
        w.WriteNumber("disk_sectors", d.DiskSectors);
        w.WriteString("kind", d.Kind);
        if (d.Mbr is { } mbr)
        {
            w.WriteStartObject("mbr");
            w.WriteString("disk_signature", $"{mbr.DiskSignature:x8}");
            w.WriteBoolean("protective", mbr.IsProtective);
            w.WriteBoolean("hybrid", mbr.IsHybrid);
            w.WriteStartArray("partitions");
            foreach (var p in mbr.Partitions)
            {
                w.WriteStartObject();
                w.WriteNumber("number", p.Number);
                w.WriteString("type", $"{p.Type:x2}");
                w.WriteNumber("first_lba", p.StartLba);
                w.WriteNumber("last_lba", p.LastLba);
                w.WriteNumber("sectors", p.SectorCount);
                w.WriteBoolean("bootable", p.Bootable);
                w.WriteBoolean("extended", p.IsExtended);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("mbr");
        }

        if (d.Gpt is { } gpt)
        {
            w.WriteStartObject("gpt");
            Copy(j, "primary", gpt.Primary);
            Copy(j, "backup", gpt.Backup);
            w.WriteString("used", gpt.Used is null ? null : gpt.Used == gpt.Primary ? "primary" : "backup");
            w.WriteString("disk_guid", gpt.Used?.Header.DiskGuid.ToString("D").ToUpperInvariant());
            Entries(j, "partitions", gpt.Partitions);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("gpt");
        }

        w.WriteBoolean("searched", r.Searched);
        w.WriteStartArray("pvs");
        foreach (var pv in r.Pvs)
        {
            w.WriteStartObject();
            w.WriteString("pv_uuid", pv.PvUuid);
            w.WriteNumber("pv_offset", pv.PvStartBytes);
            w.WriteNumber("label_offset", pv.LabelOffsetBytes);
            w.WriteNumber("device_size", pv.DeviceSizeBytes);
            w.WriteBoolean("label_crc_ok", pv.CrcMatches);
            if (r.PartitionOf(pv) is { } n)
            {
                w.WriteNumber("partition", n);
            }
            else
            {
                w.WriteNull("partition");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        var prop = r.Proposal;
        w.WriteStartObject("proposed");
        w.WriteString("kind", prop.Kind);
        w.WriteString("reason", prop.Reason);
        w.WriteBoolean("changes", prop.HasChanges);
        w.WriteString("disk_guid", prop.DiskGuid == Guid.Empty ? null : prop.DiskGuid.ToString("D").ToUpperInvariant());
        w.WriteNumber("first_usable_lba", prop.FirstUsableLba);
        w.WriteNumber("last_usable_lba", prop.LastUsableLba);
        Entries(j, "partitions", prop.Entries);
        w.WriteStartArray("writes");
        foreach (var patch in prop.Patches)
        {
            w.WriteStartObject();
            w.WriteString("what", patch.What);
            w.WriteNumber("offset", patch.OffsetBytes);
            w.WriteNumber("length", patch.Bytes.Length);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        var args = prop.SgdiskArguments("DEVICE");
        if (args is null)
        {
            w.WriteNull("sgdisk");
        }
        else
        {
            w.WriteStartArray("sgdisk");
            foreach (var a in args)
            {
                w.WriteStringValue(a);
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("dd");
        foreach (var dd in written.DdCommands(prop, "DEVICE"))
        {
            w.WriteStringValue(dd);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("table_file", written.TableFile);
        w.WriteString("journal", written.Journal);
    }

    private static void Copy(JsonOut j, string name, GptCopy? c)
    {
        var w = j.W;
        if (c is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("offset", c.HeaderOffsetBytes);
        w.WriteBoolean("valid", c.IsValid);
        w.WriteBoolean("header_crc_ok", c.Header.CrcMatches);
        w.WriteBoolean("entries_crc_ok", c.EntriesCrcMatches);
        w.WriteNumber("header_size", c.Header.HeaderSize);
        w.WriteNumber("my_lba", c.Header.MyLba);
        w.WriteNumber("alternate_lba", c.Header.AlternateLba);
        w.WriteNumber("first_usable_lba", c.Header.FirstUsableLba);
        w.WriteNumber("last_usable_lba", c.Header.LastUsableLba);
        w.WriteNumber("entries_lba", c.Header.EntriesLba);
        w.WriteNumber("entry_count", c.Header.EntryCount);
        w.WriteNumber("entry_size", c.Header.EntrySize);
        w.WriteString("disk_guid", c.Header.DiskGuid.ToString("D").ToUpperInvariant());
        w.WriteEndObject();
    }

    private static void Entries(JsonOut j, string name, IReadOnlyList<GptEntry> entries)
    {
        var w = j.W;
        w.WriteStartArray(name);
        foreach (var e in entries)
        {
            w.WriteStartObject();
            w.WriteNumber("number", e.Number);
            w.WriteNumber("first_lba", e.FirstLba);
            w.WriteNumber("last_lba", e.LastLba);
            w.WriteString("type_guid", e.TypeGuid.ToString("D").ToUpperInvariant());
            w.WriteString("type_name", GptEntry.TypeName(e.TypeGuid));
            w.WriteString("unique_guid", e.UniqueGuid.ToString("D").ToUpperInvariant());
            w.WriteString("name", e.Name);
            w.WriteNumber("attributes", e.Attributes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
