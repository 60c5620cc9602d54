using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// Reads the SR information: sector 1 <c>&lt;?xml version="1.0" ?&gt;&lt;uuid&gt;…&lt;/uuid&gt;&lt;allocation&gt;…&lt;/allocation&gt;</c>,
/// sector 2 name_label, sector 3 name_description (xenserver-lvhd.md 3.1). SM parses bytes
/// [534, 2048) as one document; each sector is walked on its own here, so a damaged sector costs
/// its own field only. An early 6.0 release padded sector 1 with NULs (struct.pack) and named the
/// labels nl/nd; both are accepted.
/// </summary>
internal static class MgtSrInfoReader
{
    public const string What = "MGT SR information";

    /// <param name="quiet">The header is missing: report damage only when something was readable, so random bytes do not flood the log.</param>
    public static MgtSrInfo ReadSectors(ReadOnlySpan<byte> mgt, MgtReadContext ctx, bool quiet)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var damage = new List<(int At, string Message, int Sector)>();
        for (var sector = 1; sector < MgtLayout.SrInfoSectors; sector++)
        {
            var start = sector * MgtLayout.SectorSize;
            if (start >= mgt.Length)
            {
                break;
            }

            var end = Math.Min(start + MgtLayout.SectorSize, mgt.Length);
            var walk = MgtXmlWalk.Run(mgt[start..end], MgtXmlWalkMode.Flat, MgtLayout.MaxElementsPerRecord);
            foreach (var leaf in walk.Leaves)
            {
                var at = start + leaf.ValueStart;
                fields[MgtRecordReader.CanonicalName(leaf.Name)] = MgtText.Decode(mgt.Slice(at, leaf.ValueLength), at, ctx, What, Severity.Warning);
            }

            if (walk.Errors.Count > 0)
            {
                var first = walk.Errors.MinBy(e => e.Offset);
                damage.Add((start + first.Offset, first.Message, sector));
            }
        }

        // A buffer that ends before sector 1 holds no SR information to judge (the header said it is cut).
        if ((quiet || mgt.Length <= MgtLayout.SectorSize) && fields.Count == 0)
        {
            return MgtSrInfo.Empty;
        }

        foreach (var (at, message, sector) in damage)
        {
            ctx.Add(Severity.Warning, MgtCodes.SrMalformed, What, at, $"SR information sector {sector} is not well formed: {message}; its readable elements are kept",
                MgtReadContext.Excerpt(mgt, at));
        }

        return FromFields(fields, ctx, MgtLayout.SectorSize);
    }

    public static MgtSrInfo FromFields(Dictionary<string, string> fields, MgtReadContext ctx, int anchor)
    {
        fields.TryGetValue("uuid", out var uuid);
        fields.TryGetValue("allocation", out var allocation);
        fields.TryGetValue("name_label", out var label);
        fields.TryGetValue("name_description", out var description);
        if (string.IsNullOrEmpty(uuid))
        {
            ctx.Add(Severity.Warning, MgtCodes.SrNoUuid, What, anchor, "the SR information has no uuid");
        }

        if (allocation is not ("thick" or "thin"))
        {
            ctx.Add(Severity.Warning, MgtCodes.SrAllocation, What, anchor, "allocation is missing or not thick/thin (SM refuses to attach without it)",
                allocation ?? "(missing)", "thick or thin");
        }

        var other = fields.Where(f => f.Key is not ("uuid" or "allocation" or "name_label" or "name_description"))
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        return new MgtSrInfo(string.IsNullOrEmpty(uuid) ? null : uuid, allocation, label, description, other);
    }
}
