using System.CommandLine;
using System.Text.Json.Serialization.Metadata;
using SrRescue.Cli.Reports;
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

            using var lvm = Open(p);
            return run(p, lvm, p.GetValue(Json));
        });
        return Command;
    }

    /// <summary>Opens SOURCE... read-only through the LVM layer, as --lvm-backup and --no-pv-search say (with a progress bar).</summary>
    public LvmInspection Open(ParseResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var bar = new Output.ProgressBar(_ctx);
        var lvm = LvmInspection.Open(p.GetValue(Sources)!, p.GetValue(Backup), bar, searchInside: !p.GetValue(NoPvSearch));
        bar.Done();
        return lvm;
    }

    /// <summary>Prints one report record: JSON by the serialiser under --json, else the text.</summary>
    public void Print<T>(ParseResult p, T report, Func<ReportJson, JsonTypeInfo<T>> json, Action<CliContext, T> text)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.GetValue(Json))
        {
            ReportJson.Write(_ctx.Out, report, json);
        }
        else
        {
            text(_ctx, report);
        }
    }

    /// <summary>
    /// A command whose result is one report record: <paramref name="make"/> builds it (and writes
    /// any output file), then it is printed as JSON by the serialiser or as text by <paramref name="text"/>.
    /// </summary>
    /// <param name="exitCode">The exit code for the report.</param>
    public Command SetReport<T>(Func<ParseResult, LvmInspection, T> make, Func<ReportJson, JsonTypeInfo<T>> json, Action<CliContext, T> text,
        Func<T, LvmInspection, int> exitCode, Option<string>? output = null) =>
        SetAction((p, lvm, asJson) =>
        {
            var report = make(p, lvm);
            Print(p, report, json, text);
            return exitCode(report, lvm);
        }, output);
}
