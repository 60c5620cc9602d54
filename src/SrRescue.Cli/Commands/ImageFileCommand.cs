using System.CommandLine;
using System.Text.Json.Serialization.Metadata;
using SrRescue.Cli.Reports;
using SrRescue.Io;

namespace SrRescue.Cli.Commands;

/// <summary>
/// A `vhd` or `qcow2` subcommand: it declares the FILE argument and --json every one has, opens FILE
/// read-only, and prints its one report record as JSON by the serialiser or as text, with the
/// exit code the report gives. (A stop before the report gets the error document from CliApp.)
/// </summary>
internal sealed class ImageFileCommand
{
    private readonly CliContext _ctx;

    /// <param name="writing">Options on what is written: listed before --json, as they always were.</param>
    /// <param name="reading">Options on how FILE is read: listed after --json.</param>
    public ImageFileCommand(CliContext ctx, string name, string description, string fileDescription, Option[] writing, params Option[] reading)
    {
        _ctx = ctx;
        File = new Argument<string>("FILE") { Description = fileDescription };
        File.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        Command = new Command(name, description) { File };
        Option[] options = [.. writing, Json, .. reading];
        foreach (var option in options)
        {
            Command.Options.Add(option);
        }
    }

    public Argument<string> File { get; }

    public Option<bool> Json { get; } = CommonOptions.Json();

    public Command Command { get; }

    /// <param name="make">Builds the report from the parse result and the opened FILE (and writes any output file).</param>
    /// <param name="output">An output option: refused before FILE is opened when it names FILE.</param>
    public Command SetReport<T>(Func<ParseResult, ImageFile, T> make, Func<ReportJson, JsonTypeInfo<T>> json, Action<TextWriter, T> text,
        Func<T, int> exitCode, Option<string>? output = null)
    {
        Command.SetAction(p =>
        {
            var path = p.GetValue(File)!;
            if (output is not null)
            {
                OutputFile.EnsureNotASource(p.GetValue(output)!, [path]);
            }

            using var file = ImageFile.Open(path);
            var report = make(p, file);
            if (p.GetValue(Json))
            {
                ReportJson.Write(_ctx.Out, report, json);
            }
            else
            {
                text(_ctx.Out, report);
            }

            return exitCode(report);
        });
        return Command;
    }
}
