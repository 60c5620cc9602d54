using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;

namespace SrRescue.Cli.Reports;

/// <summary>The text of a <see cref="VhdConvertReport"/>: what was written, through which chain, and what came from nowhere.</summary>
internal static class VhdConvertText
{
    public static void Write(TextWriter o, VhdConvertReport r)
    {
        var what = r.Vhd is { } v
            ? $"a dynamic VHD (uuid {v.Uuid}, {v.BlocksWritten} of {v.BlockCount} 2 MiB blocks allocated)"
            : "a sparse raw disk";
        o.WriteLine($"Converted {r.Input} to {r.Output}: {what}");
        o.WriteLine($"  virtual size {Units.Bytes(r.VirtualSize)} ({r.VirtualSize} bytes), {Units.Bytes(r.DataBytes)} of data, file {Units.Bytes(r.OutputSize)}");
        o.WriteLine($"  chain of {r.Chain.Count}: {string.Join(" -> ", r.Chain.Select(m => Path.GetFileName(m.File)))}");
        if (!r.Complete)
        {
            o.WriteLine($"  NOT RECOVERED: the parent {r.MissingParent} is missing; {Units.Bytes(r.MissingBytes)} ({r.MissingBytes} bytes) needed it and were written as zeros:");
            MissingRangesText.Write(o, r.MissingRanges, r.MissingRangesTruncated);
        }

        FindingsText.Write(o, r.Findings);
    }
}
