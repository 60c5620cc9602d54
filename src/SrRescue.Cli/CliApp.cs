using System.CommandLine;
using SrRescue.Cli.Commands;
using SrRescue.Diagnostics;

namespace SrRescue.Cli;

/// <summary>The `srrescue` command tree and the mapping of failures to exit codes.</summary>
internal static class CliApp
{
    public static int Run(string[] args, CliContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var root = new RootCommand("SrRescue: gets virtual disks back out of damaged XenServer / XCP-ng LVM storage repositories. Sources are only ever read.")
        {
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
                ctx.Err.WriteLine($"Usage: srrescue {command.Name}{arguments} [options]; 'srrescue {command.Name} --help' lists them.");
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
