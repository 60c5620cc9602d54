using SrRescue.Diagnostics;

namespace SrRescue.Cli.Reports;

/// <summary>
/// The one JSON document a command prints under --json when it stops on an error before its
/// report: the command's own schema, the error (exit code, kind, message, and the structure and
/// byte offset when a finding stopped it) and the findings, so a script reading stdout always
/// gets one document. The text of the error is the CLI's stderr line, not this record.
/// </summary>
internal sealed record ErrorReport(string Schema, ErrorReport.ErrorEntry Error, IReadOnlyList<FindingReport> Findings)
{
    internal sealed record ErrorEntry(int ExitCode, string Kind, string Message, string? Code, string? Structure, long? Offset);

    /// <param name="commandPath">The command as typed, "vhd repair"; its schema is srrescue.vhd-repair/1.</param>
    public static ErrorReport Of(string commandPath, int exitCode, string kind, string message, Finding? finding, IReadOnlyList<Finding>? findings) =>
        new($"srrescue.{commandPath.Replace(' ', '-')}/1",
            new ErrorEntry(exitCode, kind, message, finding?.Code, finding?.Structure, finding is { Offset: >= 0 } f ? f.Offset : null),
            [.. (findings ?? (finding is null ? [] : [finding])).Select(x => new FindingReport(x))]);
}
