using System.Text.Json.Serialization;
using SrRescue.Diagnostics;

namespace SrRescue.Cli.Reports;

/// <summary>One finding as every report carries it; the text line is the finding's own.</summary>
internal sealed record FindingReport([property: JsonIgnore] Finding Finding)
{
    public string Severity => Finding.Severity.ToString().ToLowerInvariant();

    public string Code => Finding.Code;

    public string Structure => Finding.Structure;

    public long Offset => Finding.Offset;

    public string? Source => Finding.Source;

    public string Message => Finding.Message;

    public string? Stored => Finding.Stored;

    public string? Expected => Finding.Computed;

    public static IReadOnlyList<FindingReport> Of(FindingLog log) => [.. log.Snapshot().Select(f => new FindingReport(f))];
}
