namespace SrRescue.Xen.Mgt;

/// <summary>Everything read from one MGT volume.</summary>
/// <param name="Records">Every VDI record found, live, deleted and stale, in offset order; a uuid may occur several times.</param>
public sealed record MgtContent(MgtHeader Header, MgtSrInfo SrInfo, IReadOnlyList<MgtVdiRecord> Records)
{
    /// <summary>One entry per uuid with the best record and the others as history (see <see cref="MgtRecordSelection"/>).</summary>
    public IReadOnlyList<MgtVdiChoice> BestPerUuid() => MgtRecordSelection.BestPerUuid(Records);

    /// <summary>The best record of a uuid (case-insensitive) with its history, or null.</summary>
    public MgtVdiChoice? Find(string uuid)
    {
        var matching = Records.Where(r => string.Equals(r.Uuid, uuid, StringComparison.OrdinalIgnoreCase)).ToList();
        return matching.Count == 0 ? null : MgtRecordSelection.BestPerUuid(matching)[0];
    }
}
