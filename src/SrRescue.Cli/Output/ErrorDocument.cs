using SrRescue.Diagnostics;

namespace SrRescue.Cli.Output;

/// <summary>
/// The one JSON document a command prints under --json when it stops on an error before its
/// report: the command's own schema, an <c>error</c> object (exit code, kind, message) and the
/// findings that stopped it, so a script reading stdout always gets one document.
/// </summary>
internal static class ErrorDocument
{
    public static void Write(TextWriter target, string commandPath, int exitCode, string kind, string message, Finding? finding, IReadOnlyList<Finding>? findings)
    {
        using var j = new JsonOut(target, commandPath.Replace(' ', '-'));
        j.W.WriteStartObject("error");
        j.W.WriteNumber("exit_code", exitCode);
        j.W.WriteString("kind", kind);
        j.W.WriteString("message", message);
        j.NullableString("code", finding?.Code);
        j.NullableString("structure", finding?.Structure);
        j.NullableNumber("offset", finding is { Offset: >= 0 } f ? f.Offset : null);
        j.W.WriteEndObject();
        j.Findings(findings ?? (finding is null ? [] : [finding]));
    }
}
