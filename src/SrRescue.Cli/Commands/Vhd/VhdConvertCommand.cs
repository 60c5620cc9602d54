using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;
using SrRescue.Xen;

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
        var file = new Argument<string>("FILE") { Description = "A VHD file (opened read-only); its parents are looked for in its folder." };
        file.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var output = CommonOptions.Output();
        var format = new Option<string>("--format")
        {
            Description = "raw: the whole virtual disk, sparse; vhd: one self-contained dynamic VHD (the chain coalesced).",
            Required = true,
        };
        format.AcceptOnlyFromAmong("raw", "vhd");
        var force = CommonOptions.Force("Overwrite an existing output file (never one of the sources).");
        var json = CommonOptions.Json();
        var allowMissing = new Option<bool>("--allow-missing-parent")
        {
            Description = "When a parent of the chain cannot be found, write what the chain found holds; the ranges that needed the parent are written as zeros and listed.",
        };
        var parentDir = new Option<string?>("--parent-dir")
        {
            Description = "The folder the chain's parents are looked for in (default: FILE's folder), e.g. the original folder for a repaired copy written elsewhere.",
            HelpName = "DIR",
        };
        var cmd = new Command("convert", "Convert a VHD (with its chain) to a sparse raw disk or to one dynamic VHD.")
        {
            file, output, format, force, json, allowMissing, parentDir,
        };
        cmd.SetAction(p => Run(ctx, new ConvertRequest(
            p.GetValue(file)!, p.GetValue(output)!, p.GetValue(format)!, p.GetValue(force), p.GetValue(allowMissing), p.GetValue(parentDir)), p.GetValue(json)));
        return cmd;
    }

    private static int Run(CliContext ctx, ConvertRequest r, bool json)
    {
        var log = new FindingLog();
        using var leaf = FileSource.Open(r.File);
        var folder = r.ParentDir ?? Path.GetDirectoryName(Path.GetFullPath(r.File))!;
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"--parent-dir {folder}: no such folder");
        }

        using var resolver = LvhdParentFiles.Resolver(folder);
        var chain = VhdChain.Open(leaf, r.File, resolver, log);
        OutputFile.EnsureNotASource(r.Output, [r.File, .. chain.MemberNames]);
        if (log.FirstOrDefault(f => f.Code is VhdCodes.FooterSizeImplausible or VhdCodes.FixedTruncated) is { } size)
        {
            throw new StoppedException($"{size.Message}; nothing written", log);
        }

        if (!chain.IsComplete && !r.AllowMissingParent)
        {
            throw new StoppedException($"the parent {chain.MissingParent} of {Path.GetFileName(chain.MemberNames[^1])} (in the chain of {r.File}) was not found; nothing written. " +
                "--allow-missing-parent writes what the chain found holds (the rest as zeros) and lists those ranges.", log);
        }

        if (r.Format == "vhd" && chain.Disk.Length > DynamicVhdWriter.MaxVirtualSizeBytes)
        {
            throw new StoppedException($"the virtual disk is {chain.Disk.Length} bytes, more than a VHD holds ({DynamicVhdWriter.MaxVirtualSizeBytes}); use --format raw", log);
        }

        var missing = MissingParentRanges.Find(chain);
        var bar = new ProgressBar(ctx);
        var outcome = Write(r, chain.Disk, bar);
        bar.Done();
        var report = VhdConvertReport.Of(r.File, r.Output, r.Format, chain, missing, outcome.DataBytes, outcome.FileBytes, outcome.Vhd, log);
        if (json)
        {
            ReportJson.Write(ctx.Out, report, c => c.VhdConvertReport);
        }
        else
        {
            VhdConvertText.Write(ctx.Out, report);
        }

        return !report.Complete || report.HasErrors ? ExitCodes.DataErrors : ExitCodes.Success;
    }

    private static (long DataBytes, long FileBytes, DynamicVhdWriteResult? Vhd) Write(ConvertRequest r, IByteSource disk, ProgressBar bar)
    {
        // Uncommitted (an error), the temporary file is removed and an existing output is untouched.
        using var stream = OutputFile.Create(r.Output, r.Force);
        if (r.Format == "vhd")
        {
            var vhd = DynamicVhdWriter.Write(disk, stream, DynamicVhdWriteOptions.Default, bar);
            stream.Commit();
            return (vhd.DataBytes, vhd.FileSizeBytes, vhd);
        }

        var data = SparseCopy.Copy(disk, stream, bar);
        var length = stream.Length;
        stream.Commit();
        return (data, length, null);
    }

    private sealed record ConvertRequest(string File, string Output, string Format, bool Force, bool AllowMissingParent, string? ParentDir);
}
