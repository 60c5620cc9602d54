using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// Reads the MGT volume of an LVHD SR (xenserver-lvhd.md section 3): the header, the SR
/// information and every VDI record in it, live, deleted, and stale past the header length.
/// Unlike SM, which gives up on the whole volume at the first record it cannot parse
/// (<c>MetadataHandler.getMetadata</c> swallows the error and returns nothing), damage costs only
/// the record it is in. Pure: works on the bytes handed in, reads nothing else, never throws on
/// their content.
/// </summary>
internal static class MgtParser
{
    /// <param name="mgt">The MGT LV's bytes (normally 4 MiB; shorter buffers are read as far as they go).</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="mgt"/>[0] in <paramref name="source"/>, for findings and record offsets.</param>
    public static MgtContent Parse(ReadOnlySpan<byte> mgt, long baseOffset, FindingLog log, string? source)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfNegative(baseOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(baseOffset, long.MaxValue - mgt.Length);
        var ctx = new MgtReadContext(log, baseOffset, source);
        if (!mgt.ContainsAnyExcept((byte)0))
        {
            ctx.Add(Severity.Warning, MgtCodes.Empty, "MGT", 0,
                mgt.IsEmpty ? "the MGT buffer is empty" : "the MGT holds only zero bytes (never written, or wiped): it has no names to give");
            return new MgtContent(new MgtHeader(MgtFormat.Missing, null, null, null), MgtSrInfo.Empty, []);
        }

        MgtHeader.TryRead(mgt, baseOffset, log, source, out var header);
        var content = header.Format == MgtFormat.Legacy
            ? MgtLegacyReader.Read(mgt, header, ctx)
            : new MgtContent(header, MgtSrInfoReader.ReadSectors(mgt, ctx, quiet: header.Format == MgtFormat.Missing), MgtSlotScanner.Scan(mgt, header, ctx));
        ReportDuplicateLive(content.Records, ctx);
        return content;
    }

    /// <summary>SM indexes live records by offset, so two live records of one uuid both reach sr-scan; say so.</summary>
    private static void ReportDuplicateLive(IReadOnlyList<MgtVdiRecord> records, MgtReadContext ctx)
    {
        foreach (var group in records.Where(r => r.IsLive).GroupBy(r => r.Uuid, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var other in group.Skip(1))
            {
                ctx.Log.Add(Severity.Warning, MgtCodes.RecordDuplicateUuid, MgtRecordReader.What, other.OffsetBytes,
                    $"uuid {other.Uuid} has a second live record (the first is at byte {first.OffsetBytes})",
                    other.NameLabel, first.NameLabel, ctx.Source);
            }
        }
    }
}
