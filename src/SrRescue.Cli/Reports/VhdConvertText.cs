using SrRescue.Cli.Commands;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="VhdConvertReport"/>: what was written, through which chain, and what came from nowhere.</summary>
internal static class VhdConvertText
{
    public static void Write(TextWriter o, VhdConvertReport r)
    {
        ConvertedText.WriteHead(o, r.Input, r.Output, null, r.Vhd, r.VirtualSize, r.DataBytes, r.OutputSize, r.Chain.Select(m => m.File));
        if (!r.Complete)
        {
            ConvertedText.WriteMissing(o, $"the parent {r.MissingParent}", r.MissingBytes, r.MissingRanges, r.MissingRangesTruncated);
        }

        FindingsText.Write(o, r.Findings);
    }
}
