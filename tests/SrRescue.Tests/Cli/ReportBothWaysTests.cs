using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Issue 11: a command's text and JSON come from one report record, so they cannot drift apart.
/// Each command runs on fixtures both ways; every value at the listed paths of the JSON (the facts
/// a reader acts on) must be named in the text (stdout and stderr). Commands join the list as their report becomes a record.
/// </summary>
public sealed class ReportBothWaysTests
{
    private static readonly Dictionary<string, string[]> Facts = new()
    {
        ["carve"] = ["metadata_file", "metadata_into_vg", "grid.extent_count", "grid.evidence", "vdis[].vdi_uuid", "vdis[].uuid_source", "vdis[].parent_vdi_uuid", "vdis[].confidence", "vdis[].chain_confidence", "vdis[].missing_parent", "vdis[].unplaced_blocks[]", "vdis[].segments[].le", "vdis[].segments[].pe", "vdis[].segments[].count",
            "qcow2_vdis[].vdi_uuid", "qcow2_vdis[].uuid_source", "qcow2_vdis[].parent_lv_name", "qcow2_vdis[].confidence", "qcow2_vdis[].missing_backing",
            "qcow2_vdis[].segments[].le", "qcow2_vdis[].segments[].pe", "qcow2_vdis[].segments[].count", "unaccounted_extents[].pe", "findings[]?severity!=info.code"],
        ["history"] = ["vgs[].name", "vgs[].id", "vgs[].versions[].seqno", "vgs[].versions[].checksum", "removed[].lv", "removed[].restore_command",
            "removed[].extents_given_to[]", "findings[]?severity!=info.code"],
        ["list"] = ["sr_uuid", "sr_name", "vdis[].uuid", "vdis[].name_label", "vdis[].kind", "vdis[].parent", "vdis[].snapshot_of", "vdis[].state",
            "vdis[].overwritten_by[]", "no_vdi_hint", "findings[]?severity!=info.code"],
        ["partitions"] = ["source", "size", "disk_sectors", "kind", "mbr.disk_signature", "mbr.partitions[].number", "mbr.partitions[].type", "mbr.partitions[].first_lba", "mbr.partitions[].last_lba", "gpt.used", "gpt.disk_guid", "gpt.partitions[].number", "gpt.partitions[].first_lba", "gpt.partitions[].last_lba", "gpt.partitions[].type_guid", "gpt.partitions[].type_name", "gpt.partitions[].unique_guid", "gpt.partitions[].name", "pvs[].pv_uuid", "pvs[].pv_offset", "pvs[].partition", "proposed.kind", "proposed.reason", "proposed.disk_guid", "proposed.writes[]|proposed.first_usable_lba", "proposed.writes[]|proposed.last_usable_lba", "proposed.partitions[].first_lba", "proposed.partitions[].last_lba", "proposed.partitions[].unique_guid", "proposed.partitions[].name", "proposed.writes[].what", "proposed.writes[].offset", "proposed.writes[].length", "proposed.sgdisk[]", "proposed.dd[]", "table_file", "journal", "findings[]?severity!=info.code"],
        ["show-metadata"] = ["seqno", "copy.source", "copy.offset", "copy.damage", "text"],
        ["restore-metadata"] = ["vg", "newest_seqno", "from_seqno", "output|file_seqno", "output|seqno_after_vgcfgrestore", "output", "restored_lvs[]", "conflicts[].lv",
            "conflicts[].pv_id", "conflicts[].first_pe", "conflicts[].used_by", "conflicts[].used_in_seqno", "findings[]?severity!=info.message"],
        ["vhd check"] = ["file", "disk_type", "virtual_size", "uuid", "bat_entries", "allocated_blocks", "max_table_entries", "recovered_max_table_entries",
            "parent.uuid", "parent.name", "parent.found_at", "errors", "warnings", "findings[]?severity!=info.code"],
        ["vhd convert"] = ["input", "output", "format", "virtual_size", "missing_parent", "missing_bytes", "missing_ranges[].offset", "vhd.block_count", "vhd.blocks_written", "findings[]?severity!=info.code"],
        ["vhd info"] = ["file", "uuid", "disk_type", "virtual_size", "footer_used", "header.table_offset", "header.max_table_entries", "header?parent_name!=.parent_uuid",
            "header.parent_name", "header.locators[].code", "header.locators[].offset", "header.locators[].length", "header.parent_names[]", "bat_entries",
            "allocated_blocks", "end_of_data", "batmap.offset", "batmap.sectors", "batmap.version", "chain[].uuid", "missing_parent", "findings[]?severity!=info.code"],
        ["qcow2 info"] = ["file", "version", "virtual_size", "cluster_size", "l1_entries", "l1_table_offset", "refcount_table_offset", "refcount_bits", "compression",
            "features.incompatible", "backing_file", "backing_format", "extensions[].type", "extensions[].offset", "missing_backing", "findings[]?severity!=info.code"],
        ["qcow2 check"] = ["file", "version", "cluster_size", "virtual_size", "refcount_bits", "corruptions", "leaks", "check_errors", "allocated_clusters", "total_clusters",
            "compressed_clusters", "fragmented_clusters", "image_end_offset", "findings[]?severity!=info.code"],
        ["qcow2 convert"] = ["input", "output", "format", "virtual_size", "missing_backing", "missing_bytes", "missing_ranges[].offset", "vhd.block_count", "vhd.blocks_written", "findings[]?severity!=info.code"],
        ["doctor"] = ["sources[]", "sr_uuid", "vg", "sr_name", "faults[].id", "faults[].kind", "faults[].title", "faults[].evidence[]", "vdis[].uuid", "vdis[].name_label",
            "vdis[].state", "plan[].step", "plan[].command", "plan[].why", "warnings[]", "findings[]?severity!=info.code"],
        ["vhd repair"] = ["source", "output", "disk_type", "virtual_size", "uuid", "footer_from", "actions[].structure", "actions[].offset", "actions[].field", "actions[].old", "actions[].new", "actions[].reason", "blocks_kept", "orphans_found", "orphans_placed", "orphans[].bitmap_offset", "orphans[].sectors_present", "orphans[].placed_as_block", "orphans[]?placed_as_block!=.candidate_blocks[]", "orphans[].evidence", "orphans[].saved_as", "orphans[]?saved_as!=|block_size", "lost[].block", "lost[]?bitmap_offset!=-1.bitmap_offset", "lost[].reason", "partial[].block", "partial[].bitmap_offset", "partial[].present_bytes", "partial[].block_bytes", "output_check.errors", "output_check.warnings", "output_check.codes[]", "findings[]?severity!=info.code"],
        ["diff"] = ["from", "to", "from_lv_count", "to_lv_count", "changes[].kind", "changes[].lv", "changes[].old_name", "changes[].detail"],
        ["export"] = ["lv", "vdi", "seqno", "output", "chain[].lv", "missing_parent", "unmapped[].lv", "unmapped[].offset", "unmapped[].reason", "now_used_by_other_lvs[].lv", "now_used_by_other_lvs[].pv_id", "now_used_by_other_lvs[].first_pe", "now_used_by_other_lvs[].used_by", "findings[]?severity!=info.code"],
        ["scan"] = ["sources[].path", "sources[].pv_uuid", "sources[].pv_offset", "sources[].label.offset", "sources[].label.sector", "sources[].metadata_areas[].number", "sources[].metadata_areas[].offset", "sources[].metadata_areas[].committed_seqno", "sources[].metadata_areas[].committed_offset", "sources[].metadata_areas[].copies", "sources[].metadata_areas[].damaged_copies", "vg.name", "vg.sr_uuid", "vg.seqno", "vg.versions", "vg.pvs[].key", "vg.pvs[].id", "vg.pvs[].source", "vg.pvs[].pe_start", "vg.pvs[].pe_count", "vg.lvs[].name", "vg.lvs[].segments[].areas[].name", "vg.lvs[].segments[].areas[].start", "vg.lvs[].vhd.parent_vdi_uuid", "vg.lvs[].vhd.chain_depth", "vg.lvs[].vhd.problems[]", "vg.lvs[].qcow2.version", "vg.lvs[].qcow2.backing_file", "vg.lvs[].qcow2.backing_format", "vg.lvs[].qcow2.parent_lv", "vg.lvs[].qcow2.parent_vdi_uuid", "vg.lvs[].qcow2.chain_depth", "vg.lvs[].qcow2.problems[]", "other_vgs[].name", "other_vgs[].id", "other_vgs[].versions", "other_vgs[].newest_seqno", "findings[]?severity!=info.code"],
        ["undo"] = ["journal", "target", "restored_ranges"],
        ["plan dom0"] = ["script", "step", "devices[].path", "devices[].capture", "copy_bytes", "capture_ranges[].offset_bytes", "capture_ranges[].length_bytes", "capture_ranges[].what", "next[]"],
        ["serve"] = ["export", "description", "size", "uri", "chain[]", "missing_parent", "seqno", "connections", "requests", "findings[]?severity!=info.code"],
    };

    public static TheoryData<string, string, string> Cases => new()
    {
        { "carve", "sr_recreated", "-o {out}" }, { "carve", "mda_wiped_with_backup", "-o {out}" }, { "carve", "lost_vdi", "-o {out}" }, { "carve", "multi_pv", "-o {out}" },
        { "history", "snapshot_chain", "" }, { "history", "ring_wrapped", "" }, { "history", "lost_vdi", "" }, { "history", "multi_pv", "" },
        { "list", "snapshot_chain", "" }, { "list", "lost_vdi", "" }, { "list", "multi_pv", "" }, { "list", "sr_recreated", "" }, { "list", "mda_wiped_with_backup", "" },
        { "partitions", "gpt_local_sr", "" }, { "partitions", "gpt_local_sr", "--find" }, { "partitions", "gpt_local_sr", "--find --write-table {out}" }, { "partitions", "copy:gpt_local_sr", "--find --in-place --journal {out}" }, { "partitions", "gpt_local_sr+table", "" }, { "partitions", "lost_vdi", "" },
        { "show-metadata", "snapshot_chain", "--seqno 27" }, { "show-metadata", "ring_wrapped", "--seqno 60" },
        { "restore-metadata", "snapshot_chain", "--seqno 26 -o {out}" }, { "restore-metadata", "snapshot_chain", "--seqno 3 --lv VHD-nothere -o {out}" },
        { "restore-metadata", "lost_vdi", "--seqno 6 -o {out} --force" },
        { "vhd check", "vhd_damaged/a-footer-c7.vhd", "" }, { "vhd check", "vhd_damaged/b-header-checksum.vhd", "--bitmaps" },
        { "vhd check", "vhd_damaged/c-bat-orphans.vhd", "" }, { "vhd check", "vhd_damaged/f-child.vhd f-parent.vhd", "" },
        { "vhd convert", "vhd_damaged/f-child.vhd f-parent.vhd", "-o {out} --format raw" }, { "vhd convert", "vhd_damaged/f-child.vhd", "-o {out} --format vhd --allow-missing-parent" }, { "vhd convert", "vhd_damaged/c-bat-orphans.vhd", "-o {out} --format vhd" },
        { "vhd info", "vhd_damaged/c-bat-orphans.vhd", "" }, { "vhd info", "vhd_damaged/f-child.vhd f-parent.vhd", "" }, { "vhd info", "vhd_damaged/f-child.vhd", "" },
        { "vhd info", "vhd_damaged/e-backup-footer-zeroed.vhd", "" }, { "vhd info", "vhd_damaged/a-footer-c7.vhd", "" }, { "vhd info", "snapshot_chain/06a8ff7d-9d87-4d3e-8670-eeee818de2d6.vhd", "" },
        { "doctor", "snapshot_chain", "--output-dir {out}" }, { "doctor", "lost_vdi", "--output-dir {out}" }, { "doctor", "sr_recreated", "--output-dir {out}" },
        { "doctor", "gpt_local_sr", "--output-dir {out}" }, { "doctor", "multi_pv", "--output-dir {out}" }, { "doctor", "vhd_damaged/c-bat-orphans.vhd", "--output-dir {out}" },
        { "doctor", "vhd_damaged/f-child.vhd", "--output-dir {out}" },
        { "vhd repair", "vhd_damaged/c-bat-orphans.vhd", "-o {out} --force" }, { "vhd repair", "vhd_damaged/a-footer-c7.vhd", "-o {out}" }, { "vhd repair", "vhd_damaged/b-header-checksum.vhd", "-o {out}" }, { "vhd repair", "vhd_damaged/f-child.vhd", "-o {out}" },
        { "diff", "snapshot_chain", "--from 14 --to 16" }, { "diff", "snapshot_chain", "--from 1 --to 27" },
        { "export", "snapshot_chain", "--lv MGT -o {out}" }, { "export", "snapshot_chain", "--vdi 0d0614ea-9abd-4e26-8b6e-ddc7a2e19385 -o {out}" }, { "export", "snapshot_chain", "--vdi 0d0614ea-9abd-4e26-8b6e-ddc7a2e19385 --format raw -o {out}" }, { "export", "ring_wrapped", "--vdi 5b90edfb-07c8-490d-95a9-a07a5cf0a271 --format lv -o {out}" }, { "export", "cut:snapshot_chain", "--vdi 06a8ff7d-9d87-4d3e-8670-eeee818de2d6 -o {out}" },
        { "scan", "snapshot_chain", "" }, { "scan", "lost_vdi", "" }, { "scan", "multi_pv", "" }, { "scan", "gpt_local_sr", "" }, { "scan", "sr_recreated", "" }, { "scan", "mda_wiped_with_backup", "" }, { "scan", "mda_wiped_with_backup", "--lvm-backup {fixtures}/mda_wiped_with_backup/lvm-backup" }, { "scan", "snapshot_chain+lost_vdi", "" }, { "scan", "cut:snapshot_chain", "" }, { "scan", "qcow2_sr", "" },
        { "list", "qcow2_sr", "" }, { "history", "qcow2_sr", "" }, { "doctor", "qcow2_sr", "--output-dir {out}" }, { "restore-metadata", "qcow2_sr", "--seqno 16 -o {out}" },
        { "export", "qcow2_sr", "--vdi a1f0c3d2-4b5e-4c6d-9e7f-8a9b0c1d2e3f -o {out}" }, { "export", "qcow2_sr", "--vdi f6e5b8a7-9ea3-41b2-cd34-5e6f708192a3 --format raw -o {out}" },
        { "export", "qcow2_sr", "--vdi 18270ac9-b0c5-43d4-ef56-708192a3b4c5 --seqno 16 -o {out}" },
        { "qcow2 info", "qcow2_files/child.qcow2 base.qcow2", "" }, { "qcow2 info", "qcow2_files/child.qcow2", "" }, { "qcow2 info", "qcow2_files/base.qcow2", "" },
        { "qcow2 check", "qcow2_files/base.qcow2", "" }, { "qcow2 check", "qcow2_files/child.qcow2", "" },
        { "qcow2 convert", "qcow2_files/child.qcow2 base.qcow2", "-o {out} --format raw" }, { "qcow2 convert", "qcow2_files/child.qcow2", "-o {out} --format vhd --allow-missing-backing" },
        { "undo", "journal:gpt_local_sr", "" }, { "undo", "journal:gpt_local_sr", "--force" },
        { "plan dom0", "", "--device /dev/sdb --device /dev/sdc -o {out}" }, { "plan dom0", "", "--device /dev/sdb --whole -o {out}" },
        { "serve", "snapshot_chain", "--vdi 0d0614ea-9abd-4e26-8b6e-ddc7a2e19385 --socket {out}" }, { "serve", "snapshot_chain", "--lv MGT --socket {out}" },
        { "serve", "qcow2_files/child.qcow2 base.qcow2", "--socket {out}" }, { "serve", "vhd_damaged/f-child.vhd", "--allow-missing-parent --socket {out}" },
    };

    /// <summary>Runs the CLI with new GUIDs from a fixed seed, so the text and the JSON run propose the same partition table.</summary>
    private static Support.Cli.Result Run(string[] args)
    {
        var random = new Random(11);
        return Support.Cli.Run(() =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }, args);
    }

    private static string WritableCopy(string scenario, string at)
    {
        File.Move(Fixtures.CopyOfImage(scenario), at, overwrite: true);
        return at;
    }

    private static IEnumerable<JsonElement> Select(JsonElement e, string path)
    {
        if (path.Length == 0)
        {
            yield return e;
            yield break;
        }

        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var head = dot < 0 ? path : path[..dot];
        var rest = dot < 0 ? "" : path[(dot + 1)..];
        var filter = head.Split('?');
        var name = filter[0].EndsWith("[]", StringComparison.Ordinal) ? filter[0][..^2] : filter[0];
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            yield break;
        }

        var items = filter[0].EndsWith("[]", StringComparison.Ordinal) ? value.EnumerateArray().ToList() : [value];
        if (filter.Length > 1)
        {
            var (key, not) = (filter[1].Split("!=")[0], filter[1].Split("!=")[1]);
            items = items.Where(i => i.GetProperty(key).ToString() != not).ToList();
        }

        foreach (var item in items)
        {
            foreach (var found in Select(item, rest))
            {
                yield return found;
            }
        }
    }

    /// <summary>
    /// A scenario's images, or "scenario/file.vhd [beside.vhd...]": the VHD files, decompressed side by side, the first given;
    /// "a+b": the images of two scenarios (two VGs); "cut:s": a copy of s's image cut to 100 MiB; "journal:s": the undo journal of partitions --in-place on a copy of s's image;
    /// "scenario+table": a copy of the image with the partition table `partitions --find` proposes written to it.
    /// </summary>
    private static string[] Sources(string scenario)
    {
        // "": a command that reads no source (plan dom0's step 1 names devices it never opens).
        if (scenario.Length == 0)
        {
            return [];
        }

        switch (scenario.Split(':'))
        {
            case ["journal", var of]:
                return [Journals.OfPartitionsInPlace(of)];
            case ["cut", var of]:
                var copy = Fixtures.CopyOfImage(of);
                using (var f = new FileStream(copy, FileMode.Open, FileAccess.Write))
                {
                    f.SetLength(100L << 20);
                }

                return [copy];
        }

        if (scenario.Split('+') is [var disk, "table"])
        {
            var copy = Fixtures.CopyOfImage(disk);
            Assert.Equal(0, Support.Cli.Run("partitions", copy, "--find", "--in-place", "--journal", copy + ".undo").ExitCode);
            return [copy];
        }

        if (scenario.Contains('+', StringComparison.Ordinal))
        {
            return [.. scenario.Split('+').SelectMany(Sources)];
        }

        if (scenario.Split('/') is [var folder, var files])
        {
            var names = files.Split(' ');
            return [Path.Combine(VhdFiles.Extract(folder, [.. names.Select(n => n + ".gz")]), names[0])];
        }

        return [.. Fixtures.Expected(scenario).GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!))];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_text_names_every_fact_of_the_json(string command, string scenario, string options)
    {
        var dir = Fixtures.NewTempDir();
        string[] Extra(string file) => options.Length == 0 ? [] : [.. options.Split(' ').Select(o => o.Replace("{out}", Path.Combine(dir, file), StringComparison.Ordinal).Replace("{fixtures}", Fixtures.Root, StringComparison.Ordinal))];

        // "copy:scenario": the command writes to its source, so each run gets a fresh copy at the same path (both then name the same source).
        var writable = scenario.StartsWith("copy:", StringComparison.Ordinal);
        string[] Fresh() => [WritableCopy(scenario["copy:".Length..], Path.Combine(dir, "disk.img"))];
        var sources = writable ? Fresh() : Sources(scenario);
        string[] words = command.Split(' ');
        var text = Run([.. words, .. sources, .. Extra("out")]);

        // The JSON run writes the same output (a file or carve's folder), so the text and the JSON name the same path.
        if (Directory.Exists(Path.Combine(dir, "out")))
        {
            Directory.Delete(Path.Combine(dir, "out"), recursive: true);
        }

        File.Delete(Path.Combine(dir, "out"));
        sources = writable ? Fresh() : sources;
        var json = Run([.. words, .. sources, .. Extra("out"), "--json"]);
        var shown = text.Out + text.Err;
        Assert.Equal(json.ExitCode, text.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var checkedFacts = 0;
        foreach (var spec in Facts[command])
        {
            // "a|b": b is a fact of the text only when a is there (a refused restore names no file seqno; a proposed table that writes nothing shows no usable range).
            var (when, path) = spec.Contains('|', StringComparison.Ordinal) ? (spec.Split('|')[0], spec.Split('|')[1]) : (null, spec);
            if (when is not null && !Select(doc.RootElement, when).Any())
            {
                continue;
            }

            foreach (var fact in Select(doc.RootElement, path))
            {
                // A name the JSON writes with underscores (copy_at_offset_0) the text may say with spaces.
                Assert.True(shown.Contains(fact.ToString(), StringComparison.Ordinal) || shown.Contains(fact.ToString().Replace('_', ' '), StringComparison.Ordinal),
                    $"{command} on {scenario}: {path} = {fact} is not in the text");
                checkedFacts++;
            }
        }

        Assert.True(checkedFacts >= 2, $"only {checkedFacts} facts checked");
    }
}
