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
        var output = CommonOptions.Output();
        var format = new Option<string>("--format")
        {
            Description = "raw: the whole virtual disk, sparse; vhd: one self-contained dynamic VHD (the chain coalesced).",
            Required = true,
        };
        format.AcceptOnlyFromAmong("raw", "vhd");
        var force = CommonOptions.Force("Overwrite an existing output file (never one of the sources).");
        var allowMissing = new Option<bool>("--allow-missing-backing")
        {
            Description = "When a backing file of the chain cannot be found, write what the chain found holds; the ranges that needed it are written as zeros and listed.",
        };
        var backingDir = new Option<string?>("--backing-dir")
        {
            Description = "The folder the chain's backing files are looked for in (default: FILE's folder).",
            HelpName = "DIR",
        };
        var cmd = new ImageFileCommand(ctx, "convert", "Convert a QCOW2 (with its backing chain) to a sparse raw disk or to one dynamic VHD.",
            "A QCOW2 file (opened read-only); its backing files are looked for in its folder.", [output, format, force], allowMissing, backingDir);
        return cmd.SetReport(
            (p, file) => Convert(ctx, file, p.GetValue(output)!, p.GetValue(format)!, p.GetValue(force), p.GetValue(allowMissing), p.GetValue(backingDir)),
            c => c.Qcow2ConvertReport, Qcow2ConvertText.Write, r => !r.Complete || r.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success, output);
    }

    private static Qcow2ConvertReport Convert(CliContext ctx, ImageFile file, string output, string format, bool force, bool allowMissing, string? backingDir)
    {
        var log = new FindingLog();
        var folder = backingDir ?? file.Folder;
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"--backing-dir {folder}: no such folder");
        }

        using var resolver = file.Backings(folder);
        var chain = Qcow2Chain.Open(file.Source, file.Path, resolver, log);
        OutputFile.EnsureNotASource(output, [file.Path, .. chain.MemberNames]);
        if (log.FirstOrDefault(f => f.Code is Qcow2Codes.SizeImplausible or Qcow2Codes.ExternalData or Qcow2Codes.Encrypted) is { } unreadable)
        {
            throw new StoppedException($"{unreadable.Message}; nothing written", log);
        }

        if (!chain.IsComplete && !allowMissing)
        {
            throw new StoppedException($"the backing file {chain.MissingBacking} of {Path.GetFileName(chain.MemberNames[^1])} (in the chain of {file.Path}) was not found; nothing written. " +
                "--allow-missing-backing writes what the chain found holds (the rest as zeros) and lists those ranges.", log);
        }

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
