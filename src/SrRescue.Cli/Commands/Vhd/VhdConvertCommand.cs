using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>
/// `vhd convert FILE -o OUT --format raw|vhd`: the virtual disk of a VHD file read through its
/// chain (parents found beside it), written as a sparse raw disk or as one self-contained dynamic
/// VHD. A missing parent writes nothing unless --allow-missing-parent; then the report lists the
/// ranges that came from nowhere (written as zeros).
/// </summary>
internal static class VhdConvertCommand
{
    public static Command Create(CliContext ctx)
    {
        var o = new ConvertOptions("parent", "a parent");
        var cmd = new ImageFileCommand(ctx, "convert", "Convert a VHD (with its chain) to a sparse raw disk or to one dynamic VHD.",
            "A VHD file (opened read-only); its parents are looked for in its folder.", o.Writing, o.Reading);
        return cmd.SetReport(
            (p, file) => Convert(ctx, file, new ConvertRequest(p.GetValue(o.Output)!, p.GetValue(o.Format)!, p.GetValue(o.Force), p.GetValue(o.AllowMissing), o.FolderOf(p, file))),
            c => c.VhdConvertReport, VhdConvertText.Write, r => !r.Complete || r.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success);
    }

    private static VhdConvertReport Convert(CliContext ctx, ImageFile file, ConvertRequest r)
    {
        var log = new FindingLog();
        using var resolver = file.Parents(r.Folder);
        var chain = file.OpenVhdChain(resolver, log);
        OutputFile.EnsureNotASource(r.Output, [file.Path, .. chain.MemberNames]);
        ImageChainStops.Vhd(file, chain, r.AllowMissingParent, log);

        if (r.Format == "vhd" && chain.Disk.Length > DynamicVhdWriter.MaxVirtualSizeBytes)
        {
            throw new StoppedException($"the virtual disk is {chain.Disk.Length} bytes, more than a VHD holds ({DynamicVhdWriter.MaxVirtualSizeBytes}); use --format raw", log);
        }

        var missing = MissingParentRanges.Find(chain);
        var bar = new ProgressBar(ctx);
        var outcome = ConvertedDisk.Write(r.Output, r.Format, r.Force, chain.Disk, bar);
        bar.Done();
        return VhdConvertReport.Of(file.Path, r.Output, r.Format, chain, missing, outcome.DataBytes, outcome.FileBytes, outcome.Vhd, log);
    }

    private sealed record ConvertRequest(string Output, string Format, bool Force, bool AllowMissingParent, string Folder);
}
