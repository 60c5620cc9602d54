using System.CommandLine;
using SrRescue.Lvm;

namespace SrRescue.Cli;

/// <summary>
/// A command that reads SOURCE... through the LVM layer: it declares the arguments every such
/// command has (SOURCE..., --json, --lvm-backup, --no-pv-search), opens the sources read-only,
/// and closes them.
/// </summary>
internal sealed class LvmCommand
{
    private readonly CliContext _ctx;

    public LvmCommand(CliContext ctx, string name, string description, params Symbol[] extra)
    {
        _ctx = ctx;
        Command = new Command(name, description) { Sources, Json, Backup, NoPvSearch };
        foreach (var symbol in extra)
        {
            switch (symbol)
            {
                case Option o:
                    Command.Options.Add(o);
                    break;
                case Argument a:
                    Command.Arguments.Add(a);
                    break;
                default:
                    throw new ArgumentException($"cannot add {symbol.GetType().Name} to a command", nameof(extra));
            }
        }
    }

    public Argument<string[]> Sources { get; } = CommonOptions.Sources();

    public Option<bool> Json { get; } = CommonOptions.Json();

    public Option<string?> Backup { get; } = CommonOptions.LvmBackup();

    public Option<bool> NoPvSearch { get; } = CommonOptions.NoPvSearch();

    public Command Command { get; }

    /// <param name="run">Gets the parse result, the opened sources and whether JSON was asked for; returns the exit code.</param>
    /// <param name="output">An output option: refused up front when it names one of the sources.</param>
    public Command SetAction(Func<ParseResult, LvmInspection, bool, int> run, Option<string>? output = null)
    {
        Command.SetAction(p =>
        {
            var sources = p.GetValue(Sources)!;
            if (output is not null)
            {
                SrRescue.Io.OutputFile.EnsureNotASource(p.GetValue(output)!, sources);
            }

            var bar = new Output.ProgressBar(_ctx);
            using var lvm = LvmInspection.Open(sources, p.GetValue(Backup), bar, searchInside: !p.GetValue(NoPvSearch));
            bar.Done();
            return run(p, lvm, p.GetValue(Json));
        });
        return Command;
    }
}
