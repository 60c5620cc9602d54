namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="Qcow2ConvertReport"/>: what was written, through which chain, and what came from nowhere.</summary>
internal static class Qcow2ConvertText
{
    public static void Write(TextWriter o, Qcow2ConvertReport r)
    {
        ConvertedText.WriteHead(o, r.Input, r.Output, r.Format, r.Vhd, r.VirtualSize, r.DataBytes, r.OutputSize, r.Chain.Select(m => m.Name));
        if (!r.Complete)
        {
            ConvertedText.WriteMissing(o, $"the backing file {r.MissingBacking}", r.MissingBytes, r.MissingRanges, r.MissingRangesTruncated);
        }

        Commands.FindingsText.Write(o, r.Findings);
    }
}
