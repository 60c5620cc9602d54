using System.CommandLine;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>`vhd`: the VHD layer on files (file SRs, exports, LVs copied out).</summary>
internal static class VhdCommand
{
    public static Command Create(CliContext ctx) => new("vhd", "VHD files: every field, every problem, a repaired copy, conversion.")
    {
        VhdInfoCommand.Create(ctx),
        VhdCheckCommand.Create(ctx),
        VhdRepairCommand.Create(ctx),
        VhdConvertCommand.Create(ctx),
    };
}
