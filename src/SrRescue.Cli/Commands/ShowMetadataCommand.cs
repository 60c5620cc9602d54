using System.CommandLine;
using SrRescue.Cli.Reports;

namespace SrRescue.Cli.Commands;

/// <summary>`show-metadata --seqno N`: the text of one copy, as found.</summary>
internal static class ShowMetadataCommand
{
    public static Command Create(CliContext ctx)
    {
        var seqno = CommonOptions.Seqno(description: "The seqno of the copy to show.");
        seqno.Required = true;
        var cmd = new LvmCommand(ctx, "show-metadata", "Print the text of one metadata copy.", seqno);
        return cmd.SetReport((p, lvm) => ShowMetadataReport.Of(Versions.Require(lvm, p.GetValue(seqno)!.Value)), c => c.ShowMetadataReport,
            (ctx, r) => ShowMetadataText.Write(ctx.Out, ctx.Err, r), (r, _) => r.Copy.Damaged ? ExitCodes.DataErrors : ExitCodes.Success);
    }
}
