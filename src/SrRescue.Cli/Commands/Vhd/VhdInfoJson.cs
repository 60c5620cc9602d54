using SrRescue.Cli.Output;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>The JSON of `vhd info`.</summary>
internal static class VhdInfoJson
{
    public static void Write(JsonOut j, VhdImage image, VhdChain chain, IReadOnlyList<string> parentNames)
    {
        var w = j.W;
        w.WriteString("file", image.Name);
        w.WriteNumber("file_size", image.Source.Length);
        w.WriteString("uuid", image.Uuid.ToString());
        w.WriteString("disk_type", image.DiskType.ToString().ToLowerInvariant());
        w.WriteNumber("virtual_size", image.VirtualSizeBytes);
        w.WriteBoolean("hidden", image.IsHidden);
        Footer(j, "footer", image.PrimaryFooter);
        Footer(j, "footer_copy", image.BackupFooter);
        if (image.Header is { } h)
        {
            w.WriteStartObject("header");
            w.WriteNumber("table_offset", (long)Math.Min(h.TableOffset, long.MaxValue));
            w.WriteNumber("max_table_entries", h.MaxTableEntries);
            w.WriteNumber("block_size", h.BlockSizeBytes);
            w.WriteString("version", $"{h.HeaderVersion >> 16}.{h.HeaderVersion & 0xFFFF}");
            w.WriteString("checksum", $"{h.StoredChecksum:x8}");
            w.WriteBoolean("checksum_ok", h.ChecksumMatches);
            w.WriteString("parent_uuid", h.ParentUuid.ToString());
            w.WriteString("parent_name", h.ParentName);
            w.WriteString("parent_time", VhdTime.ToDateTime(h.ParentTimestamp).ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartArray("locators");
            foreach (var l in h.Locators.Where(l => l.IsUsed))
            {
                w.WriteStartObject();
                w.WriteString("code", l.CodeName);
                w.WriteNumber("offset", (long)Math.Min(l.DataOffset, long.MaxValue));
                w.WriteNumber("space", l.DataSpace);
                w.WriteNumber("length", l.DataLength);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            j.Strings("parent_names", parentNames);
            w.WriteEndObject();
            w.WriteNumber("bat_entries", image.Bat.Count);
            w.WriteNumber("allocated_blocks", image.AllocatedBlocks);
            w.WriteNumber("end_of_data", image.EndOfDataBytes);
        }

        if (image.BatmapHeader is { } b)
        {
            w.WriteStartObject("batmap");
            w.WriteNumber("offset", (long)Math.Min(b.BatmapOffset, long.MaxValue));
            w.WriteNumber("sectors", b.BatmapSectors);
            w.WriteString("version", $"{b.Version >> 16}.{b.Version & 0xFFFF}");
            w.WriteBoolean("checksum_ok", image.BatmapValid);
            w.WriteNumber("marker", b.Marker);
            w.WriteBoolean("encrypted", b.IsEncrypted);
            w.WriteEndObject();
        }

        w.WriteStartArray("chain");
        for (var i = 0; i < chain.Members.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("name", chain.MemberNames[i]);
            w.WriteString("uuid", chain.Members[i].Uuid.ToString());
            w.WriteString("disk_type", chain.Members[i].DiskType.ToString().ToLowerInvariant());
            w.WriteBoolean("hidden", chain.Members[i].IsHidden);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        j.NullableString("missing_parent", chain.MissingParent);
    }

    private static void Footer(JsonOut j, string name, VhdFooter? f)
    {
        var w = j.W;
        if (f is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("cookie", f.IsPoisoned ? "v_poison" : "conectix");
        w.WriteString("features", $"{f.Features:x8}");
        w.WriteString("format_version", $"{f.FormatVersion >> 16}.{f.FormatVersion & 0xFFFF}");
        if (f.DataOffset == VhdFooter.NoDataOffset)
        {
            w.WriteNull("data_offset");
        }
        else
        {
            w.WriteNumber("data_offset", f.DataOffset);
        }

        w.WriteString("created", f.CreatedUtc.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("creator_app", f.CreatorApp.TrimEnd('\0'));
        w.WriteString("creator_version", $"{f.CreatorVersion >> 16}.{f.CreatorVersion & 0xFFFF}");
        w.WriteString("creator_os", $"{f.CreatorOs:x8}");
        w.WriteNumber("original_size", f.OriginalSizeBytes);
        w.WriteNumber("current_size", f.CurrentSizeBytes);
        w.WriteString("geometry", $"{f.Geometry >> 16}/{(f.Geometry >> 8) & 0xFF}/{f.Geometry & 0xFF}");
        w.WriteString("disk_type", f.DiskType.ToString().ToLowerInvariant());
        w.WriteString("checksum", $"{f.StoredChecksum:x8}");
        w.WriteBoolean("checksum_ok", f.ChecksumMatches || f.ChecksumMatchesWithoutHidden);
        w.WriteString("uuid", f.Uuid.ToString());
        w.WriteNumber("saved_state", f.SavedState);
        w.WriteNumber("hidden", f.Hidden);
        w.WriteEndObject();
    }
}
