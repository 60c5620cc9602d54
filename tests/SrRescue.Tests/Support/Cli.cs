using System.Text.Json;
using SrRescue.Cli;

namespace SrRescue.Tests.Support;

/// <summary>Runs the srrescue command line in-process, capturing what it prints.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public JsonElement Json()
        {
            using var doc = JsonDocument.Parse(Out);
            return doc.RootElement.Clone();
        }
    }

    public static Result Run(params string[] args) => Run(null, args);

    /// <param name="newGuid">Where the GUIDs of a proposed partition table come from (null: new ones each run).</param>
    /// <remarks>
    /// A command that runs until stopped (serve) is stopped before it starts: it opens its source,
    /// binds, says what it serves and reports, which is what the harnesses that run every command
    /// check. <see cref="Run(CancellationToken, string[])"/> runs it for real.
    /// </remarks>
    public static Result Run(Func<Guid>? newGuid, params string[] args) => Start(newGuid, args, errIsTerminal: false, new CancellationToken(canceled: true));

    /// <summary>Runs until the command ends or, for serve, until <paramref name="stop"/> is cancelled.</summary>
    public static Result Run(CancellationToken stop, params string[] args) => Start(null, args, errIsTerminal: false, stop);

    /// <summary>As a user at a terminal sees it: stderr is a terminal, so progress is drawn.</summary>
    public static Result RunOnTerminal(params string[] args) => Start(null, args, errIsTerminal: true, new CancellationToken(canceled: true));

    private static Result Start(Func<Guid>? newGuid, string[] args, bool errIsTerminal, CancellationToken stop)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = CliApp.Run(args, new CliContext(o, e, errIsTerminal, newGuid, stop));
        return new Result(code, o.ToString(), e.ToString());
    }

    public static JsonElement Json(params string[] args)
    {
        var r = Run([.. args, "--json"]);
        Assert.True(r.ExitCode is 0 or 1, $"exit {r.ExitCode}: {r.Err}");
        return r.Json();
    }
}
