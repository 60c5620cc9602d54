using System.CommandLine;
using System.CommandLine.Help;
using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;

namespace SrRescue.Cli;

/// <summary>The `srrescue` command tree and the mapping of failures to exit codes.</summary>
internal static class CliApp
{
    private const string RootDescription = """
        SrRescue: gets virtual disks back out of damaged XenServer / XCP-ng LVM storage repositories. Sources are only ever read.

        Examples:
          srrescue demo                                   the doctor on an example SR shipped inside the program
          srrescue doctor /dev/sdb                        what is wrong and the plan to get the VDIs back
          srrescue history /dev/sdb                       every metadata copy and what changed between them
          srrescue export /dev/sdb --vdi UUID -o d.vhd    one VDI as a self-contained VHD
          srrescue vhd check disk.vhd                     every problem of a VHD file
          srrescue serve /dev/sdb --vdi UUID              one VDI read-only over NBD (nbd://127.0.0.1:10809)
        """;

    /// <summary>The words that name a subcommand below the root, e.g. "vhd info".</summary>
    internal static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent)
        {
            names.Insert(0, r.Command.Name);
        }

        return string.Join(' ', names);
    }

    public static int Run(string[] args, CliContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(args);
        var stdout = new WatchedWriter(new ControlEscapingWriter(ctx.Out));
        ctx = ctx with { Out = stdout, Err = new ControlEscapingWriter(ctx.Err) };

        // The root is named "srrescue" whatever the executable is called (SrRescue.Cli under
        // dotnet run, srrescue when installed), so help and usage lines name the real command.
        var root = new Command("srrescue", RootDescription)
        {
            new HelpOption(),
            new VersionOption(),
            ScanCommand.Create(ctx),
            HistoryCommand.Create(ctx),
            ListCommand.Create(ctx),
            ShowMetadataCommand.Create(ctx),
            DiffCommand.Create(ctx),
            RestoreMetadataCommand.Create(ctx),
            ExportCommand.Create(ctx),
            ServeCommand.Create(ctx),
            DoctorCommand.Create(ctx),
            CarveCommand.Create(ctx),
            Commands.Vhd.VhdCommand.Create(ctx),
            Commands.Qcow2.Qcow2Command.Create(ctx),
            DemoCommand.Create(ctx),
            PartitionsCommand.Create(ctx),
            UndoCommand.Create(ctx),
            Commands.Plan.PlanCommand.Create(ctx),
        };

        CommandExamples.AddTo(root);
        var parsed = root.Parse(args);
        var path = CommandPath(parsed.CommandResult);
        var json = args.TakeWhile(a => a != "--").Contains("--json");

        // Under --json stdout holds one document whatever happens: a command that stops before
        // printing its report gets the error document of its schema.
        int Stop(int exitCode, string kind, string message, Finding? finding = null, FindingLog? findings = null)
        {
            ctx.Err.WriteLine($"srrescue: {message}");
            if (findings is not null)
            {
                FindingsText.Write(ctx.Err, findings);
            }

            if (json && !stdout.HasWritten && path.Length > 0)
            {
                ReportJson.Write(stdout, ErrorReport.Of(path, exitCode, kind, message, finding, findings?.Snapshot()), c => c.ErrorReport);
            }

            return exitCode;
        }

        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                ctx.Err.WriteLine($"srrescue: {e.Message}");
            }

            var command = parsed.CommandResult.Command;
            if (command != root)
            {
                var arguments = string.Concat(command.Arguments.Select(a => $" {a.Name}{(a.Arity.MaximumNumberOfValues > 1 ? "..." : "")}"));
                ctx.Err.WriteLine($"Usage: srrescue {path}{arguments} [options]; 'srrescue {path} --help' lists them.");
            }
            else
            {
                ctx.Err.WriteLine("Usage: srrescue <command> SOURCE... [options]; 'srrescue --help' lists the commands.");
            }

            if (json && path.Length > 0)
            {
                ReportJson.Write(stdout, ErrorReport.Of(path, ExitCodes.Usage, "usage", parsed.Errors[0].Message, null, null), c => c.ErrorReport);
            }

            return ExitCodes.Usage;
        }

        try
        {
            var code = parsed.Invoke(new InvocationConfiguration { Output = ctx.Out, Error = ctx.Err, EnableDefaultExceptionHandler = false });
            if (json && !stdout.HasWritten && code != ExitCodes.Success && path.Length > 0)
            {
                ReportJson.Write(stdout, ErrorReport.Of(path, code, "stopped", "the command stopped before its report; stderr says why", null, null), c => c.ErrorReport);
            }

            return code;
        }
        catch (UsageException e)
        {
            return Stop(ExitCodes.Usage, "usage", e.Message);
        }
        catch (SrRescue.Io.OutputRefusedException e)
        {
            return Stop(ExitCodes.Usage, "usage", e.Message);
        }
        catch (StoppedException e)
        {
            return Stop(ExitCodes.DataErrors, "data", e.Message, findings: e.Findings);
        }
        catch (CorruptDataException e)
        {
            return Stop(ExitCodes.DataErrors, "data", e.Finding.ToString(), e.Finding);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Stop(ExitCodes.Io, "io", e.Message);
        }
    }
}
