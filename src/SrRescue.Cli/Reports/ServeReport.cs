using System.Text.Json.Serialization;
using SrRescue.Diagnostics;
using SrRescue.Nbd;

namespace SrRescue.Cli.Reports;

/// <summary>
/// `serve`, written when the server stops: what was served (kind, export name, the images read,
/// size, whether holes were known), where (the NBD URI), and what the clients did.
/// </summary>
internal sealed record ServeReport(string Schema, string Kind, string Export, string Description, IReadOnlyList<string> Sources, IReadOnlyList<string> Chain,
    string? MissingParent, long? Seqno, long Size, bool HolesKnown, string Uri, bool ReadOnly, long Connections, long BrokenConnections, long TurnedAway,
    long Requests, long BytesSent, long WritesRefused, long Errors, long ReadErrors, IReadOnlyList<FindingReport> Findings)
{
    /// <summary>Whether some of what was served was not the disk as it was: a missing parent read as zeros, reads that failed: exit code 1.</summary>
    [JsonIgnore]
    public bool IsPartial => MissingParent is not null || ReadErrors > 0;

    public static ServeReport Of(string kind, NbdExport export, IReadOnlyList<string> sources, IReadOnlyList<string> chain, string? missingParent, long? seqno,
        string uri, NbdServerStats stats, FindingLog log) =>
        new("srrescue.serve/1", kind, export.Name, export.Description, sources, chain, missingParent, seqno, export.Disk.Length, export.KnowsHoles, uri, true,
            stats.Connections, stats.BrokenConnections, stats.TurnedAway, stats.Requests, stats.BytesSent, stats.Refused, stats.Errors, stats.ReadErrors,
            FindingReport.Of(log));
}
