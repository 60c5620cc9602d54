using System.CommandLine;
using System.CommandLine.Help;
using SrRescue.Cli.Commands;
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
        """;

    /// <summary>The words that name a subcommand below the root, e.g. "vhd info".</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
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
            DoctorCommand.Create(ctx),
            CarveCommand.Create(ctx),
            Commands.Vhd.VhdCommand.Create(ctx),
            DemoCommand.Create(ctx),
            PartitionsCommand.Create(ctx),
            UndoCommand.Create(ctx),
        };

        var parsed = root.Parse(args);
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
                var path = CommandPath(parsed.CommandResult);
                ctx.Err.WriteLine($"Usage: srrescue {path}{arguments} [options]; 'srrescue {path} --help' lists them.");
            }
            else
            {
                ctx.Err.WriteLine("Usage: srrescue <command> SOURCE... [options]; 'srrescue --help' lists the commands.");
            }

            return ExitCodes.Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = ctx.Out, Error = ctx.Err, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            ctx.Err.WriteLine($"srrescue: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (SrRescue.Io.OutputRefusedException e)
        {
            ctx.Err.WriteLine($"srrescue: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (CorruptDataException e)
        {
            ctx.Err.WriteLine($"srrescue: {e.Finding}");
            return ExitCodes.DataErrors;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.WriteLine($"srrescue: {e.Message}");
            return ExitCodes.Io;
        }
    }
}
