using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Lvm;

namespace SrRescue.Cli.Commands;

/// <summary>`show-metadata --seqno N`: the text of one copy, as found.</summary>
internal static class ShowMetadataCommand
{
    public static Command Create(CliContext ctx)
    {
        var seqno = CommonOptions.Seqno(description: "The seqno of the copy to show.");
        seqno.Required = true;
        var cmd = new LvmCommand(ctx, "show-metadata", "Print the text of one metadata copy.", seqno);
        return cmd.SetAction((p, lvm, json) =>
        {
            var v = Versions.Require(lvm, p.GetValue(seqno)!.Value);
            var copy = v.Primary;
            if (json)
            {
                using var j = new JsonOut(ctx.Out, "show-metadata");
                j.W.WriteNumber("seqno", v.Seqno);
                j.W.WritePropertyName("copy");
                j.Copy(copy);
                j.W.WriteString("text", copy.Text);
            }
            else
            {
                ctx.Err.WriteLine($"# seqno {v.Seqno} from {copy.Source} at byte {copy.OffsetBytes}{(copy.IsDamaged ? $" (DAMAGED: {copy.Damage})" : "")}");
                ctx.Out.Write(copy.Text);
            }

            return v.IsDamaged ? ExitCodes.DataErrors : ExitCodes.Success;
        });
    }
}
