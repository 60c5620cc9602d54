using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// Turns the leaf elements of one <c>&lt;vdi&gt;</c> into an <see cref="MgtVdiRecord"/> and checks
/// the values the way SM uses them (xenserver-lvhd.md 3.1, 3.3). Damage costs this record only:
/// what is readable is kept (flagged damaged) when it carries a uuid; everything else is a finding.
/// </summary>
internal static class MgtRecordReader
{
    public const string What = "MGT VDI record";

    private static readonly string[] AlwaysWritten = ["name_label", "deleted", "is_a_snapshot", "read_only", "managed", "type", "vdi_type"];

    /// <summary>
    /// Reads one record from <c>mgt[site.Offset..windowEnd)</c>: a slot (1024 bytes) or, after a
    /// legacy document, a pretty-printed element. Returns the record (null when no uuid could be
    /// read) and whether its <c>&lt;/vdi&gt;</c> was found.
    /// </summary>
    public static (MgtVdiRecord? Record, bool Closed) ReadWindow(ReadOnlySpan<byte> mgt, int windowEnd, MgtRecordSite site, MgtReadContext ctx)
    {
        var window = mgt[site.Offset..windowEnd];
        var walk = MgtXmlWalk.Run(window, MgtXmlWalkMode.SingleRecord, MgtLayout.MaxElementsPerRecord);
        var closed = walk.Containers.Count > 0 && walk.Containers[0].IsClosed;
        var errors = new List<MgtXmlError>(walk.Errors);
        if (walk.Containers.Count == 0)
        {
            var first = window.IndexOfAnyExcept(MgtXmlTokenizer.Blank);
            errors.Add(new MgtXmlError(Math.Max(first, 0), "no <vdi> start tag"));
        }
        else if (walk.Leaves.FindIndex(l => l.Container < 0) is >= 0 and var stray)
        {
            errors.Add(new MgtXmlError(walk.Leaves[stray].ElementOffset, "element outside <vdi>"));
        }

        var damaged = errors.Count > 0;
        var record = Build(mgt, site.Offset, walk.Leaves, site, damaged, ctx);
        if (damaged)
        {
            var cut = !closed && windowEnd == mgt.Length && windowEnd - site.Offset < MgtLayout.SlotSize;
            ReportDamage(mgt, site, errors, cut, record is not null, ctx);
        }

        return (record, closed);
    }

    public static void ReportDamage(ReadOnlySpan<byte> mgt, MgtRecordSite site, List<MgtXmlError> errors, bool cut, bool salvaged, MgtReadContext ctx)
    {
        var first = errors.MinBy(e => e.Offset);
        var at = site.Offset + first.Offset;
        var outcome = salvaged ? "its readable fields are kept" : "no uuid could be read, so the record is lost";
        ctx.Add(site.DamageSeverity, cut ? MgtCodes.RecordTruncated : MgtCodes.RecordMalformed, What, at,
            cut ? $"{site.Describe()} is cut by the end of the buffer; {outcome}"
                : $"{site.Describe()} is not well formed: {first.Message} ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}); {outcome}",
            MgtReadContext.Excerpt(mgt, at));
    }

    /// <summary>Builds the record from leaves whose offsets are relative to <paramref name="textBase"/>.</summary>
    /// <param name="reportNoUuid">Report a record without uuid here (false: the caller sums them up).</param>
    public static MgtVdiRecord? Build(ReadOnlySpan<byte> mgt, int textBase, IEnumerable<MgtXmlLeaf> leaves, MgtRecordSite site, bool damaged, MgtReadContext ctx,
        bool reportNoUuid = true)
    {
        var fields = new Dictionary<string, (string Value, int Offset)>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        foreach (var leaf in leaves)
        {
            var name = CanonicalName(leaf.Name);
            var valueAt = textBase + leaf.ValueStart;
            var value = MgtText.Decode(mgt.Slice(valueAt, leaf.ValueLength), valueAt, ctx, What, site.FieldSeverity);
            if (!fields.TryAdd(name, (value, textBase + leaf.ElementOffset)))
            {
                duplicates.Add(name);
                fields[name] = (value, textBase + leaf.ElementOffset);
            }
        }

        if (!fields.TryGetValue("uuid", out var uuid) || uuid.Value.Length == 0)
        {
            if (!damaged && reportNoUuid)
            {
                ctx.Add(site.DamageSeverity, MgtCodes.RecordNoUuid, What, site.Offset, $"{site.Describe()} has no uuid; it cannot be matched to a VDI and is dropped");
            }

            return null;
        }

        Check(fields, duplicates, site, damaged, ctx);
        var other = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, (value, _)) in fields)
        {
            if (!IsKnown(name))
            {
                other[name] = value;
            }
        }

        return new MgtVdiRecord
        {
            SlotIndex = site.SlotIndex,
            OffsetBytes = ctx.At(site.Offset),
            Placement = site.Placement,
            Uuid = uuid.Value,
            IsMisaligned = site.Misaligned,
            IsDamaged = damaged,
            NameLabel = Text(fields, "name_label"),
            NameDescription = Text(fields, "name_description"),
            IsASnapshot = Flag(fields, "is_a_snapshot", site, ctx),
            SnapshotOf = NonEmpty(fields, "snapshot_of"),
            SnapshotTime = NonEmpty(fields, "snapshot_time"),
            Type = Text(fields, "type"),
            VdiType = Text(fields, "vdi_type"),
            ReadOnly = Flag(fields, "read_only", site, ctx),
            Managed = Flag(fields, "managed", site, ctx),
            MetadataOfPool = NonEmpty(fields, "metadata_of_pool"),
            Deleted = Flag(fields, "deleted", site, ctx),
            OtherTags = other,
        };
    }

    private static void Check(Dictionary<string, (string Value, int Offset)> fields, List<string> duplicates, MgtRecordSite site, bool damaged, MgtReadContext ctx)
    {
        var uuid = fields["uuid"];
        if (!IsCanonicalUuid(uuid.Value))
        {
            ctx.Add(site.FieldSeverity, MgtCodes.RecordBadUuid, What, uuid.Offset, $"{site.Describe()} has a uuid that is not in the 8-4-4-4-12 hex form", uuid.Value);
        }

        if (duplicates.Count > 0)
        {
            ctx.Add(site.FieldSeverity, MgtCodes.RecordDuplicateTag, What, site.Offset,
                $"{site.Describe()} repeats {string.Join(", ", duplicates.Distinct())}; the later value is kept (as SM's dict does)");
        }

        var missing = AlwaysWritten.Where(t => !fields.ContainsKey(t)).ToList();
        if (missing.Count > 0 && !damaged)
        {
            ctx.Add(site.FieldSeverity, MgtCodes.RecordMissingField, What, site.Offset, $"{site.Describe()} lacks {string.Join(", ", missing)}, which SM always writes",
                null, string.Join(",", AlwaysWritten));
        }

        if (fields.TryGetValue("vdi_type", out var vdiType) && vdiType.Value is not ("vhd" or "aio" or "qcow2"))
        {
            ctx.Add(site.FieldSeverity, MgtCodes.RecordVdiType, What, vdiType.Offset, $"{site.Describe()} has a vdi_type SM's scan cannot map to an LV prefix", vdiType.Value, "vhd, aio or qcow2");
        }

        // Records rewritten by an update carry their own slot offset (OFFSET_TAG); another value
        // means the bytes were copied here from another slot.
        if (site.Placement != MgtRecordPlacement.LegacyDocument && site.SlotIndex >= 0 && fields.TryGetValue("offset", out var offset)
            && long.TryParse(offset.Value, out var stated) && stated != site.Offset)
        {
            ctx.Add(Severity.Info, MgtCodes.RecordOffsetMismatch, What, offset.Offset, $"{site.Describe()} says it belongs at another offset", stated.ToString(), site.Offset.ToString());
        }
    }

    private static bool? Flag(Dictionary<string, (string Value, int Offset)> fields, string name, MgtRecordSite site, MgtReadContext ctx)
    {
        if (!fields.TryGetValue(name, out var field))
        {
            return null;
        }

        switch (field.Value)
        {
            case "0":
            case "False":
            case "false":
                return false;
            case "1":
            case "True":
            case "true":
                return true;
            default:
                ctx.Add(site.FieldSeverity, MgtCodes.RecordBadFlag, What, field.Offset, $"{site.Describe()}: {name} is not 0 or 1", field.Value, "0 or 1");
                return null;
        }
    }

    private static string? Text(Dictionary<string, (string Value, int Offset)> fields, string name) =>
        fields.TryGetValue(name, out var field) ? field.Value : null;

    private static string? NonEmpty(Dictionary<string, (string Value, int Offset)> fields, string name) =>
        fields.TryGetValue(name, out var field) && field.Value.Length > 0 ? field.Value : null;

    /// <summary>An early 6.0 srmetadata wrote the names as <c>nl</c> and <c>nd</c>.</summary>
    public static string CanonicalName(string name) => name switch
    {
        "nl" => "name_label",
        "nd" => "name_description",
        _ => name,
    };

    private static bool IsKnown(string name) => name is "uuid" or "name_label" or "name_description" or "is_a_snapshot" or "snapshot_of"
        or "snapshot_time" or "type" or "vdi_type" or "read_only" or "managed" or "metadata_of_pool" or "deleted";

    public static bool IsCanonicalUuid(string value)
    {
        if (value.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var ok = i is 8 or 13 or 18 or 23 ? value[i] == '-' : char.IsAsciiHexDigit(value[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
