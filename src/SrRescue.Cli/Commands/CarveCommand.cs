using System.CommandLine;
using SrRescue.Carving;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Recovery;
using SrRescue.Vhd;
using SrRescue.Xen;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `carve SOURCE... -o DIR [--format vhd|raw]`: metadata-less recovery (fault F4). Finds every VHD
/// and QCOW2 image on the extent grid, rebuilds its extent map from its own structures, links
/// chains, and writes each VDI (chain coalesced) into DIR with a report. Extents of LVs that some metadata copy still
/// describes are left out: those VDIs come back through `export`.
/// </summary>
internal static class CarveCommand
{
    public const string ReportFile = "carve-report.json";

    /// <summary>The vgcfgrestore file describing the carved LVs.</summary>
    public const string VgFile = "carved-lvs.vg";

    public static Command Create(CliContext ctx)
    {
        var format = new Option<string?>("--format") { Description = "vhd (default): one self-contained dynamic VHD per VDI, chain coalesced; raw: the whole virtual disk, sparse." };
        format.AcceptOnlyFromAmong("vhd", "raw");
        var output = CommonOptions.Output();
        output.Description = "The folder to write the VDIs and the report into (created if missing; files in it are never overwritten).";
        var cmd = new LvmCommand(ctx, "carve", "Recover VHD and QCOW2 VDIs without LVM metadata: rebuild each LV from the image's own structures and write it out.", format, output);
        return cmd.SetReport((p, lvm) => Carve(ctx, lvm, p.GetValue(cmd.Sources)!, p.GetValue(output)!, p.GetValue(format) ?? "vhd"), c => c.CarveReport,
            (ctx, r) => CarveText.Write(ctx.Out, r), (r, _) => r.NeedsCare ? ExitCodes.DataErrors : ExitCodes.Success, output);
    }

    /// <summary>Carves, writes the VDIs, the vgcfgrestore file and the report into <paramref name="dir"/>, and returns the report.</summary>
    private static CarveReport Carve(CliContext ctx, LvmInspection lvm, string[] sources, string dir, string format)
    {
        var log = lvm.Findings;
        var bar = new ProgressBar(ctx);
        var result = CarveAll(lvm, bar);

        Directory.CreateDirectory(dir);
        var written = new List<CarveReport.VdiEntry>();
        foreach (var vdi in result.Vdis)
        {
            var chain = result.OpenChain(vdi, log);
            var name = Sanitize(vdi.VdiUuid) + (format == "vhd" ? ".vhd" : ".raw");
            var path = Path.Combine(dir, name);
            long dataBytes;
            using (var file = OutputFile.Create(path, overwrite: false))
            {
                dataBytes = format == "vhd"
                    ? ExportWriters.WriteVhd(chain.Disk, chain.Members[0].Uuid, file, bar)
                    : SparseCopy.Copy(chain.Disk, file, bar);
                file.Commit();
            }

            bar.Done();
            written.Add(CarveReport.VdiOf(result, vdi, path, format, dataBytes, chain));
        }

        var qcow2 = result.Qcow2Vdis.Select(v => WriteQcow2(result, v, dir, format, log, bar)).ToList();

        var restore = CarvedRestoreFile.Build(result, lvm, log, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        string? vgFile = null;
        if (restore.Text is not null)
        {
            vgFile = Path.Combine(dir, VgFile);
            WriteText(vgFile, w => w.Write(restore.Text));
        }

        var report = CarveReport.Of(sources, result, written, qcow2, log, vgFile, restore.IntoVg, Path.Combine(dir, ReportFile));
        WriteText(report.ReportFile, w => ReportJson.Write(w, report, c => c.CarveReport));
        return report;
    }

    /// <summary>Every VHD and QCOW2 VDI carved from the sources, named from MGT where it still has them (findings into the inspection's log).</summary>
    internal static CarveResult CarveAll(LvmInspection lvm, ProgressBar bar)
    {
        var mgt = SrInventory.Build(lvm, new FindingLog()).Mgt?.Records ?? [];
        var result = CarvedVdiNaming.Name(Carver.Carve(lvm, lvm.Pvs.PvSources, LvhdFooters.OnLv, lvm.Findings, bar), mgt, lvm.Findings);
        bar.Done();
        return result;
    }

    /// <summary>
    /// A QCOW2 VDI's chain as the VHD ones are written: one dynamic VHD (a new footer uuid: QCOW2 has
    /// none to keep), or sparse raw; raw also when the disk is larger than a VHD holds.
    /// </summary>
    private static CarveReport.Qcow2VdiEntry WriteQcow2(CarveResult result, CarvedQcow2Vdi vdi, string dir, string format, FindingLog log, ProgressBar bar)
    {
        var chain = result.OpenChain(vdi, log);
        if (format == "vhd" && chain.Disk.Length > DynamicVhdWriter.MaxVirtualSizeBytes)
        {
            log.Add(Severity.Warning, "carve.qcow2.raw", "carved QCOW2", -1,
                $"the virtual disk of {vdi.LvName} ({chain.Disk.Length} bytes) is larger than a VHD holds; written as raw");
            format = "raw";
        }

        var path = Path.Combine(dir, Sanitize(vdi.VdiUuid) + (format == "vhd" ? ".vhd" : ".raw"));
        long dataBytes;
        using (var file = OutputFile.Create(path, overwrite: false))
        {
            dataBytes = format == "vhd"
                ? ExportWriters.WriteVhd(chain.Disk, null, file, bar)
                : SparseCopy.Copy(chain.Disk, file, bar);
            file.Commit();
        }

        bar.Done();
        return CarveReport.Qcow2Of(result, vdi, path, format, dataBytes, chain);
    }

    /// <summary>A new file of text in the output folder (never over an existing one).</summary>
    private static void WriteText(string path, Action<TextWriter> write)
    {
        using var file = OutputFile.Create(path, overwrite: false);
        using (var writer = new StreamWriter(file, leaveOpen: true))
        {
            write(writer);
        }

        file.Commit();
    }

    /// <summary>File names come from on-disk strings: keep uuid characters only.</summary>
    private static string Sanitize(string name)
    {
        var clean = new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').ToArray());
        return clean.Length == 0 ? "vdi" : clean;
    }
}
