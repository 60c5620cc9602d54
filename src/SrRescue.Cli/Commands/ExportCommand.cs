using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `export (--vdi UUID | --lv NAME) [--seqno N] [--format vhd|raw|lv] -o FILE`: a VDI of the SR as
/// one self-contained file, its snapshot chain (VHD or QCOW2) coalesced. A removed LV (and a removed parent) is
/// read through the newest metadata copy that still defines it.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext ctx)
    {
        var lvOption = new Option<string?>("--lv") { Description = "The LV to export, e.g. VHD-<vdi uuid>. Default format: the LV's bytes as stored (lv)." };
        var vdiOption = new Option<string?>("--vdi") { Description = "The VDI uuid to export. Default format: vhd (one dynamic VHD, chain coalesced) for VHD and QCOW2 VDIs, raw for raw VDIs and QCOW2 VDIs over 2040 GiB." };
        var seqno = CommonOptions.Seqno(description: "Read the LV through this metadata copy (default: the newest that defines it).");
        var format = new Option<string?>("--format") { Description = "vhd: one self-contained dynamic VHD; raw: the whole virtual disk, sparse; lv: the LV's bytes as stored." };
        format.AcceptOnlyFromAmong("vhd", "raw", "lv");
        var output = CommonOptions.Output();
        var force = CommonOptions.Force("Overwrite an existing output file.");
        var allowMissing = new Option<bool>("--allow-missing-parent") { Description = "Export what the VHD or QCOW2 image itself holds when a parent or backing file of its chain cannot be found (those ranges are written as zeros)." };
        var cmd = new LvmCommand(ctx, "export", "Write a VDI or an LV to a file: a coalesced VHD, a sparse raw disk, or the LV's bytes.",
            lvOption, vdiOption, seqno, format, output, force, allowMissing);
        return cmd.SetReport(
            (p, lvm) => Run(ctx, lvm, new ExportRequest(p.GetValue(lvOption), p.GetValue(vdiOption), p.GetValue(seqno), p.GetValue(format),
                p.GetValue(output)!, p.GetValue(force), p.GetValue(allowMissing))),
            c => c.ExportReport, (ctx, r) => ExportText.Write(ctx.Out, r), (r, _) => r.IsPartial ? ExitCodes.DataErrors : ExitCodes.Success, output);
    }

    private sealed record ExportRequest(string? Lv, string? Vdi, long? Seqno, string? Format, string Output, bool Force, bool AllowMissingParent);

    /// <summary>Writes the file; the report says what it holds.</summary>
    private static ExportReport Run(CliContext ctx, LvmInspection lvm, ExportRequest r)
    {
        var volumes = new SrVolumes(lvm);
        var (lvName, version, volume) = ExportSource.Locate(volumes, lvm, r.Lv, r.Vdi, r.Seqno);
        var kind = LvName.Parse(lvName).Kind;
        var image = kind is LvKind.VhdVdi or LvKind.Qcow2Vdi;
        if (r.Format == "vhd" && !image)
        {
            throw new UsageException($"{lvName} is not a VHD or QCOW2 VDI; export it with --format raw or lv");
        }

        var source = ExportSource.Open(volumes, lvName, volume, asStored: r.Format == "lv" || (r.Format is null && r.Lv is not null), lvm.Findings);
        // A VDI goes out as one VHD by default; a QCOW2 VDI larger than a VHD can be (QCOW2 goes to
        // 16 TiB) as a raw disk.
        var fitsVhd = source.Disk.Length <= DynamicVhdWriter.MaxVirtualSizeBytes;
        var format = r.Format ?? (r.Lv is not null ? "lv" : image && fitsVhd ? "vhd" : "raw");
        if (format == "vhd" && !fitsVhd)
        {
            throw new UsageException($"{lvName}'s virtual disk ({source.Disk.Length} bytes) is larger than a VHD can be ({DynamicVhdWriter.MaxVirtualSizeBytes} bytes); export it with --format raw");
        }

        if (source.MissingParent is { } missing && !r.AllowMissingParent)
        {
            throw new StoppedException($"the parent {missing} of {lvName}'s chain was not found; nothing written. --allow-missing-parent exports what the chain found holds, the rest as zeros.", lvm.Findings);
        }

        var data = source.Disk;
        var members = source.Members;
        var overwritten = members.SelectMany(m => volumes.OverwrittenBy(m).Select(o => (Lv: m, o.Range, o.OtherLv))).ToList();
        var unmapped = members.Select(m => (Lv: m, Volume: volumes.Open(m, lvm.Findings))).Where(x => x.Volume is not null)
            .SelectMany(x => x.Volume!.UnmappedRanges.Select(u => (x.Lv, u))).ToList();

        var bar = new ProgressBar(ctx);
        long dataBytes;
        using (var file = OutputFile.Create(r.Output, r.Force))
        {
            dataBytes = format switch
            {
                "vhd" => ExportWriters.WriteVhd(data, source.VhdUuid, file, bar),
                _ => SparseCopy.Copy(data, file, bar),
            };
            file.Commit();
        }

        bar.Done();
        return ExportReport.Of(lvName, version.Seqno, version.Seqno == lvm.Vg?.Newest?.Seqno, format, r.Output, data.Length, dataBytes, source.Chain,
            source.MissingParent, overwritten, unmapped, lvm.Findings);
    }
}
