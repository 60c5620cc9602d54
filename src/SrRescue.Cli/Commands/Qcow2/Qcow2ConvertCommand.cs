using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Qcow2;

/// <summary>
/// `qcow2 convert FILE -o OUT --format raw|vhd`: the virtual disk of a QCOW2 file read through its
/// backing chain (found beside it), written as a sparse raw disk or as one self-contained dynamic
/// VHD. A missing backing file writes nothing unless --allow-missing-backing; then the report lists
/// the ranges that came from nowhere (written as zeros).
/// </summary>
internal static class Qcow2ConvertCommand
{
    public static Command Create(CliContext ctx)
    {
        var o = new ConvertOptions("backing", "a backing file");
        var cmd = new ImageFileCommand(ctx, "convert", "Convert a QCOW2 (with its backing chain) to a sparse raw disk or to one dynamic VHD.",
            "A QCOW2 file (opened read-only); its backing files are looked for in its folder.", o.Writing, o.Reading);
        return cmd.SetReport(
            (p, file) => Convert(ctx, file, p.GetValue(o.Output)!, p.GetValue(o.Format)!, p.GetValue(o.Force), p.GetValue(o.AllowMissing), o.FolderOf(p, file)),
            c => c.Qcow2ConvertReport, Qcow2ConvertText.Write, r => !r.Complete || r.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success, o.Output);
    }

    private static Qcow2ConvertReport Convert(CliContext ctx, ImageFile file, string output, string format, bool force, bool allowMissing, string folder)
    {
        var log = new FindingLog();
        using var resolver = file.Backings(folder);
        var chain = Qcow2Chain.Open(file.Source, file.Path, resolver, log);
        OutputFile.EnsureNotASource(output, [file.Path, .. chain.MemberNames]);
        ImageChainStops.Qcow2(file, chain, allowMissing, log);

        if (format == "vhd" && chain.Disk.Length > DynamicVhdWriter.MaxVirtualSizeBytes)
        {
            throw new StoppedException($"the virtual disk is {chain.Disk.Length} bytes, more than a VHD holds ({DynamicVhdWriter.MaxVirtualSizeBytes}); use --format raw", log);
        }

        var missing = Qcow2MissingRanges.Find(chain);
        var bar = new ProgressBar(ctx);
        var outcome = ConvertedDisk.Write(output, format, force, chain.Disk, bar);
        bar.Done();
        return Qcow2ConvertReport.Of(file.Path, output, format, chain, missing, outcome.DataBytes, outcome.FileBytes, outcome.Vhd, log);
    }
}
