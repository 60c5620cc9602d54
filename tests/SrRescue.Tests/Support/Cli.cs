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
    public static Result Run(Func<Guid>? newGuid, params string[] args) => Run(errIsTerminal: false, newGuid, args);

    /// <summary>As a user at a terminal sees it: stderr is a terminal, so progress is drawn.</summary>
    public static Result RunOnTerminal(params string[] args) => Run(errIsTerminal: true, null, args);

    private static Result Run(bool errIsTerminal, Func<Guid>? newGuid, string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var code = CliApp.Run(args, new CliContext(o, e, errIsTerminal, newGuid));
        return new Result(code, o.ToString(), e.ToString());
    }

    public static JsonElement Json(params string[] args)
    {
        var r = Run([.. args, "--json"]);
        Assert.True(r.ExitCode is 0 or 1, $"exit {r.ExitCode}: {r.Err}");
        return r.Json();
    }
}
