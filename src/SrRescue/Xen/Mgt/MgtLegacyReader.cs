using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// Reads a legacy MGT (xenserver-lvhd.md 3.4): after the 12-byte binary header, one
/// <c>&lt;SRMetadata&gt;</c> document pretty-printed by minidom (<c>metadata.buildOutput</c>), so
/// values are surrounded by newlines and tabs and empty values are self-closing tags. Each
/// <c>&lt;vdi&gt;</c> element is a record; elements outside any <c>&lt;vdi&gt;</c> are the SR
/// information. Past the total length, leftover <c>&lt;vdi&gt;</c> elements of a longer older
/// document are reported as stale records.
/// </summary>
internal static class MgtLegacyReader
{
    private const string What = "MGT legacy document";

    public static MgtContent Read(ReadOnlySpan<byte> mgt, MgtHeader header, MgtReadContext ctx)
    {
        var total = header.LengthBytes ?? 0;
        var end = total >= MgtHeader.LegacySize && total <= mgt.Length ? (int)total : mgt.Length;
        const int docBase = MgtHeader.LegacySize;
        var walk = MgtXmlWalk.Run(mgt[docBase..end], MgtXmlWalkMode.Document, MgtLayout.MaxElementsPerDocument);
        if (walk.Errors.Count > 0)
        {
            var first = walk.Errors.MinBy(e => e.Offset);
            ctx.Add(Severity.Error, MgtCodes.LegacyMalformed, What, docBase + first.Offset,
                $"the legacy document is not well formed: {first.Message} ({walk.Errors.Count} problem{(walk.Errors.Count == 1 ? "" : "s")}); readable elements are kept",
                MgtReadContext.Excerpt(mgt, docBase + first.Offset));
        }

        var srFields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var leaf in walk.Leaves.Where(l => l.Container < 0))
        {
            var at = docBase + leaf.ValueStart;
            srFields[MgtRecordReader.CanonicalName(leaf.Name)] = MgtText.Decode(mgt.Slice(at, leaf.ValueLength), at, ctx, MgtSrInfoReader.What, Severity.Warning);
        }

        var sr = MgtSrInfoReader.FromFields(srFields, ctx, docBase);
        var records = new List<MgtVdiRecord>();
        var leavesByContainer = walk.Leaves.Where(l => l.Container >= 0).ToLookup(l => l.Container);
        var errorOffsets = walk.Errors.Select(e => e.Offset).Order().ToArray();
        var withoutUuid = new List<int>();
        for (var c = 0; c < walk.Containers.Count; c++)
        {
            var container = walk.Containers[c];
            var limit = container.IsClosed ? container.End : c + 1 < walk.Containers.Count ? walk.Containers[c + 1].Start : end - docBase;
            var damaged = !container.IsClosed || HasErrorIn(errorOffsets, container.Start, limit);
            var site = new MgtRecordSite(docBase + container.Start, c, MgtRecordPlacement.LegacyDocument, Misaligned: false);
            if (MgtRecordReader.Build(mgt, docBase, leavesByContainer[c], site, damaged, ctx, reportNoUuid: false) is { } record)
            {
                records.Add(record);
            }
            else if (!damaged)
            {
                withoutUuid.Add(site.Offset);
            }
        }

        if (withoutUuid.Count > 0)
        {
            ctx.Add(Severity.Error, MgtCodes.RecordNoUuid, MgtRecordReader.What, withoutUuid[0],
                $"{withoutUuid.Count} legacy <vdi> element{(withoutUuid.Count == 1 ? " has" : "s have")} no uuid; they cannot be matched to a VDI and are dropped");
        }

        ReadStale(mgt, end, records, ctx);
        return new MgtContent(header, sr, records);
    }

    /// <summary>Any sorted error offset in [start, limit).</summary>
    private static bool HasErrorIn(int[] sortedOffsets, int start, int limit)
    {
        var i = Array.BinarySearch(sortedOffsets, start);
        if (i < 0)
        {
            i = ~i;
        }

        return i < sortedOffsets.Length && sortedOffsets[i] < limit;
    }

    private static void ReadStale(ReadOnlySpan<byte> mgt, int from, List<MgtVdiRecord> records, MgtReadContext ctx)
    {
        var pos = from;
        while (pos < mgt.Length)
        {
            var rel = mgt[pos..].IndexOf("<vdi>"u8);
            if (rel < 0)
            {
                return;
            }

            var start = pos + rel;
            var windowEnd = mgt.Length - start > MgtLayout.LegacyStaleWindow ? start + MgtLayout.LegacyStaleWindow : mgt.Length;
            var (record, _) = MgtRecordReader.ReadWindow(mgt, windowEnd, new MgtRecordSite(start, -1, MgtRecordPlacement.PastLength, Misaligned: false), ctx);
            if (record is not null)
            {
                records.Add(record);
            }

            pos = start + "<vdi>"u8.Length;
        }
    }
}
