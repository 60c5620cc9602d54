namespace SrRescue.Xen.Mgt;

/// <summary>
/// Picks one record per VDI uuid when several slots carry it (a live record and stale copies of
/// an older MGT, or a deleted record whose slot was not reused). Order of preference: read by SM
/// and not deleted; read by SM but deleted; length unknown; stale past the length. Within a rank
/// an intact record beats a damaged one, then the lower offset wins.
/// </summary>
internal static class MgtRecordSelection
{
    public static IReadOnlyList<MgtVdiChoice> BestPerUuid(IEnumerable<MgtVdiRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records
            .GroupBy(r => r.Uuid, StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                var ordered = g.OrderBy(Rank).ThenBy(r => r.IsDamaged).ThenBy(r => r.OffsetBytes).ToList();
                return new MgtVdiChoice(ordered[0].Uuid, ordered[0], ordered.Skip(1).ToList());
            })
            .OrderBy(c => c.Best.OffsetBytes)
            .ToList();
    }

    /// <summary>0 live, 1 deleted but read by SM, 2-3 length unknown, 4-5 stale (each pair: not deleted, then deleted).</summary>
    public static int Rank(MgtVdiRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var deleted = record.IsDeleted ? 1 : 0;
        return record.Placement switch
        {
            MgtRecordPlacement.InsideLength or MgtRecordPlacement.LegacyDocument => deleted,
            MgtRecordPlacement.LengthUnknown => 2 + deleted,
            _ => 4 + deleted,
        };
    }
}
