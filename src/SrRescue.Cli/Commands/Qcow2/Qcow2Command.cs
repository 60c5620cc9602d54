using System.CommandLine;

namespace SrRescue.Cli.Commands.Qcow2;

/// <summary>
/// `qcow2`: the QCOW2 layer on files (XCP-ng's QCOW2 VDIs copied out, file SRs, any qemu image).
/// A family of its own beside `vhd` rather than one `image` family for both: the two formats
/// share no option past FILE and --json (VHD has footer policies, repair, parent locators; QCOW2
/// has backing files and refcounts), and the command names the reader a user trusts with the file.
/// </summary>
internal static class Qcow2Command
{
    public static Command Create(CliContext ctx) => new("qcow2", "QCOW2 files: every field, every problem, conversion.")
    {
        Qcow2InfoCommand.Create(ctx),
        Qcow2CheckCommand.Create(ctx),
        Qcow2ConvertCommand.Create(ctx),
    };
}
