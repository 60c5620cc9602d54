using SrRescue.Diagnostics;
using SrRescue.Lvm.Text;

namespace SrRescue.Lvm.Model;

/// <summary>
/// Turns a parsed metadata tree into a <see cref="VgMetadata"/> (lvm2.md 3.3-3.7). The VG is the
/// first top-level section, so both layouts (on-disk copy with the VG first, backup file with the
/// header keys first, lvm2.md 3.2) read the same. Every rule vgcfgrestore enforces that can be
/// checked from the text alone is checked; each violation is a finding and the model is built
/// from what could be read.
/// </summary>
internal static class VgMetadataReader
{
    public const string ExpectedContents = "Text Format Volume Group";

    /// <param name="baseOffset">Where the text starts: the offset of findings that have no node.</param>
    /// <param name="keepTree">False: a lean model, without the text tree (<see cref="TreeNotKept"/>).</param>
    /// <param name="keepLvTree">In a lean model, the LVs (name, id) whose sections are kept.</param>
    /// <param name="reuse">LVs read before from the same sections (see <see cref="LvSectionReuse"/>), taken again.</param>
    /// <returns>Null only when the text has no section at all.</returns>
    public static VgMetadata? Read(ConfigSection root, FindingLog log, long baseOffset, string? source = null, bool keepTree = true,
        Func<string, string, bool>? keepLvTree = null, LvSectionReuse? reuse = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(log);
        var ctx = new ModelReadContext(log, source) { KeepTree = keepTree, KeepLvTree = keepLvTree };
        var vg = root.Sections.FirstOrDefault();
        if (vg is null)
        {
            ctx.Add(Severity.Error, "lvm.vg.missing", "VG metadata", baseOffset, "the metadata text has no VG section");
            return null;
        }

        var structure = $"VG {vg.Key}";
        CheckHeader(root, ctx, structure, baseOffset);
        if (!LvmNames.IsValidName(vg.Key))
        {
            ctx.Add(Severity.Warning, "lvm.vg.bad-name", structure, vg.Offset, "the VG name is not a valid LVM name", stored: vg.Key);
        }

        var id = ctx.GetString(vg, "id", "lvm.vg", structure, Severity.Error) ?? "";
        if (id.Length > 0 && !LvmNames.IsValidUuid(id))
        {
            ctx.Add(Severity.Warning, "lvm.vg.bad-id", structure, vg.FindValue("id")!.Offset,
                "the VG id is not a dashed LVM UUID", stored: id);
        }

        var seqno = ctx.GetInt64(vg, "seqno", "lvm.vg", structure, Severity.Error, min: 0);
        if (seqno > uint.MaxValue)
        {
            ctx.Add(Severity.Warning, "lvm.vg.bad-value", structure, vg.FindValue("seqno")!.Offset,
                "seqno is above the 32-bit range LVM uses", stored: seqno.ToString());
        }

        var extentSize = ctx.GetInt64(vg, "extent_size", "lvm.vg", structure, Severity.Error, min: 1);
        var status = ctx.GetStringList(vg, "status", "lvm.vg", structure, Severity.Error);
        _ = ctx.GetInt64(vg, "max_lv", "lvm.vg", structure, Severity.Warning);
        _ = ctx.GetInt64(vg, "max_pv", "lvm.vg", structure, Severity.Warning);

        var pvs = ReadPvs(vg, ctx, structure, extentSize ?? 0);
        var lvs = ReadLvs(vg, ctx, pvs, reuse);
        ExtentChecks.Apply(lvs, pvs, ctx);
        return new VgMetadata
        {
            Name = vg.Key,
            Id = id,
            Seqno = seqno ?? 0,
            ExtentSizeSectors = extentSize ?? 0,
            Status = status,
            Flags = ctx.GetStringList(vg, "flags", "lvm.vg", structure, missing: null),
            Tags = ctx.GetStringList(vg, "tags", "lvm.vg", structure, missing: null),
            Pvs = pvs,
            Lvs = lvs,
            Description = ctx.GetString(root, "description", "lvm.vg", structure, missing: null),
            CreationHost = ctx.GetString(root, "creation_host", "lvm.vg", structure, missing: null),
            CreationTime = ctx.GetInt64(root, "creation_time", "lvm.vg", structure, missing: null),
            Root = keepTree ? root : null!,
            Section = keepTree ? vg : null!,
            Offset = vg.Offset,
        };
    }

    /// <summary>contents and version as _vsn1_check_version wants them; missing in truncated copies.</summary>
    private static void CheckHeader(ConfigSection root, ModelReadContext ctx, string structure, long baseOffset)
    {
        var contents = root.FindValue("contents");
        if (contents?.AsString() != ExpectedContents)
        {
            ctx.Add(Severity.Warning, "lvm.vg.header", structure, contents?.Offset ?? baseOffset,
                contents is null ? "the 'contents' header key is missing" : "the 'contents' header key is not the LVM one",
                stored: contents?.ToString(), computed: ExpectedContents);
        }

        var version = root.FindValue("version");
        if (!(version?.TryGetInt64(out var v) == true && v == 1))
        {
            ctx.Add(Severity.Warning, "lvm.vg.header", structure, version?.Offset ?? baseOffset,
                version is null ? "the 'version' header key is missing" : "the 'version' header key is not 1",
                stored: version?.ToString(), computed: "1");
        }
    }

    private static List<PvMetadata> ReadPvs(ConfigSection vg, ModelReadContext ctx, string structure, long extentSize)
    {
        var pvs = new List<PvMetadata>();
        if (vg.Find("physical_volumes") is not ConfigSection list)
        {
            ctx.Add(Severity.Error, "lvm.vg.missing-key", structure, vg.Offset, "required section 'physical_volumes' is missing",
                computed: "physical_volumes");
            return pvs;
        }

        var keys = new HashSet<string>(list.Entries.Count, StringComparer.Ordinal);
        var ids = new HashSet<string>(list.Entries.Count, StringComparer.Ordinal);
        foreach (var entry in list.Entries)
        {
            if (entry is not ConfigSection pv)
            {
                ctx.Add(Severity.Warning, "lvm.pv.not-a-section", structure, entry.Offset,
                    $"'{entry.Key}' in physical_volumes is a value, not a PV section; ignored");
                continue;
            }

            var pvStructure = $"PV {pv.Key} of {structure}";
            var id = ctx.GetString(pv, "id", "lvm.pv", pvStructure, Severity.Error) ?? "";
            if (!keys.Add(pv.Key))
            {
                ctx.Add(Severity.Error, "lvm.pv.duplicate-key", pvStructure, pv.Offset, $"PV key '{pv.Key}' is used twice");
            }

            if (id.Length > 0 && !ids.Add(id))
            {
                ctx.Add(Severity.Error, "lvm.pv.duplicate-id", pvStructure, pv.FindValue("id")!.Offset,
                    $"PV id {id} is listed twice", stored: id);
            }
            else if (id.Length > 0 && !LvmNames.IsValidUuid(id))
            {
                ctx.Add(Severity.Warning, "lvm.pv.bad-id", pvStructure, pv.FindValue("id")!.Offset,
                    "the PV id is not a dashed LVM UUID", stored: id);
            }

            var devSize = ctx.GetInt64(pv, "dev_size", "lvm.pv", pvStructure, missing: null, min: 0);
            var peStart = ctx.GetInt64(pv, "pe_start", "lvm.pv", pvStructure, Severity.Error, min: 0) ?? 0;
            var peCount = ctx.GetInt64(pv, "pe_count", "lvm.pv", pvStructure, Severity.Error, min: 0) ?? 0;
            var usedEnd = (Int128)peStart + ((Int128)peCount * extentSize);
            if (devSize is { } size && usedEnd > size)
            {
                // vgcfgrestore does not check this (lvm2.md 4.2); extents past the device hold no data.
                ctx.Add(Severity.Warning, "lvm.pv.beyond-device", pvStructure, pv.Offset,
                    "pe_start + pe_count * extent_size is past dev_size", stored: usedEnd.ToString(), computed: $"<= {size}");
            }

            pvs.Add(new PvMetadata
            {
                Key = pv.Key,
                Id = id,
                Device = ctx.GetString(pv, "device", "lvm.pv", pvStructure, missing: null),
                DevSizeSectors = devSize,
                PeStartSectors = peStart,
                PeCount = peCount,
                Status = ctx.GetStringList(pv, "status", "lvm.pv", pvStructure, Severity.Error),
                Flags = ctx.GetStringList(pv, "flags", "lvm.pv", pvStructure, missing: null),
                Offset = pv.Offset,
                Section = pv,
            });
        }

        return pvs;
    }

    private static List<LvMetadata> ReadLvs(ConfigSection vg, ModelReadContext ctx, List<PvMetadata> pvs, LvSectionReuse? reuse)
    {
        if (vg.Find("logical_volumes") is not ConfigSection list)
        {
            return []; // absent when the VG has no LV
        }

        var lvs = new List<LvMetadata>(list.Entries.Count);

        var pvKeys = new HashSet<string>(pvs.Count, StringComparer.Ordinal);
        foreach (var pv in pvs)
        {
            pvKeys.Add(pv.Key);
        }

        var names = new HashSet<string>(list.Entries.Count, StringComparer.Ordinal);
        foreach (var lv in list.Sections)
        {
            if (!names.Add(lv.Key))
            {
                ctx.Add(Severity.Error, "lvm.lv.duplicate-name", $"LV {lv.Key}", lv.Offset, $"LV name '{lv.Key}' is used twice");
            }
        }

        var ids = new HashSet<string>(list.Entries.Count, StringComparer.Ordinal);
        foreach (var section in list.Sections)
        {
            var lv = reuse is null ? LvMetadataReader.Read(section, ctx, pvKeys, names) : reuse.ReadLv(section, ctx, pvKeys, names);
            if (lv.Id.Length > 0 && !ids.Add(lv.Id))
            {
                ctx.Add(Severity.Error, "lvm.lv.duplicate-id", $"LV {lv.Name}", section.FindValue("id")!.Offset,
                    $"LV id {lv.Id} is used by two LVs", stored: lv.Id);
                lv = lv with { HasErrors = true };
            }

            lvs.Add(lv);
        }

        return lvs;
    }
}
