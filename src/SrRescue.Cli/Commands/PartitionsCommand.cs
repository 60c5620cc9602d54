using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Recovery;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `partitions SOURCE [--find] [--write-table FILE] [--in-place]`: the tables with their health,
/// the PVs found, the proposed table; optionally the proposed sectors written to a table file
/// (see <see cref="PatchFile"/>) or, with an undo journal first, to the source itself.
/// </summary>
internal static class PartitionsCommand
{
    public static Command Create(CliContext ctx)
    {
        var source = new Argument<string>("SOURCE") { Description = "An image file or block device (read-only unless --in-place)." };
        source.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var json = CommonOptions.Json();
        var find = new Option<bool>("--find") { Description = "Search the whole disk for LVM labels (lost PVs), at every sector." };
        var sectorSize = new Option<int?>("--sector-size") { Description = "512 or 4096; default: where \"EFI PART\" is found, else 512." };
        var writeTable = new Option<string?>("--write-table") { Description = "Write the proposed table's sectors to this new file (a header and sector-aligned records; the dd commands that apply it are printed)." };
        var inPlace = new Option<bool>("--in-place") { Description = "Write the proposed table to SOURCE itself, after writing and flushing an undo journal." };
        var journal = new Option<string?>("--journal") { Description = "Where the undo journal goes (default: next to SOURCE, or in the current folder for a device)." };
        var force = CommonOptions.Force("Overwrite an existing --write-table file.");
        var cmd = new Command("partitions", "Partition tables (MBR, GPT) with their health, the LVM PVs found, and a proposed table to put back.")
        {
            source, json, find, sectorSize, writeTable, inPlace, journal, force,
        };
        cmd.SetAction(p =>
        {
            var path = p.GetValue(source)!;
            var ss = p.GetValue(sectorSize);
            if (ss is not (null or 512 or 4096))
            {
                throw new UsageException("--sector-size is 512 or 4096");
            }

            var log = new FindingLog();
            PartitionInspection inspection;
            var bar = new ProgressBar(ctx);
            ContainerFormat? container;
            using (var disk = FileSource.Open(path))
            {
                container = ContainerFormat.Detect(disk);
                inspection = PartitionInspection.Inspect(disk, log, p.GetValue(find), ss, bar, ctx.NewGuid);
            }

            bar.Done();
            if (container is not null)
            {
                // A container's header is where a raw disk's tables would be: a "proposed table"
                // for it would overwrite that header. Nothing is written, nothing proposed.
                ctx.Err.WriteLine($"srrescue: {container.Describe(path)}; no partition table is proposed or written for it");
                if (p.GetValue(json))
                {
                    log.Add(Severity.Error, SourceCodes.Container, "source", 0, container.Describe(path), source: path);
                    ReportJson.Write(ctx.Out, new PartitionsContainerReport("srrescue.partitions/1", container.Name, FindingReport.Of(log)), c => c.PartitionsContainerReport);
                }

                return ExitCodes.DataErrors;
            }

            var proposal = inspection.Proposal;
            string? tableFile = p.GetValue(writeTable);
            if (tableFile is not null && proposal.HasChanges)
            {
                OutputFile.EnsureNotASource(tableFile, [path]);
                using var f = OutputFile.Create(tableFile, p.GetValue(force));
                f.Write(PatchFile.Build(undo: false, inspection.Disk.DiskBytes, null, proposal.Patches));
                f.Commit();
            }

            string? journalFile = null;
            if (p.GetValue(inPlace) && proposal.HasChanges)
            {
                journalFile = p.GetValue(journal) ?? DefaultJournal(path);
                OutputFile.EnsureNotASource(journalFile, [path]);
                InPlaceWriter.Apply(path, proposal.Patches, journalFile);
            }

            var printed = PartitionsReport.Of(inspection, path, tableFile is not null && proposal.HasChanges ? tableFile : null, journalFile, log);
            if (p.GetValue(json))
            {
                ReportJson.Write(ctx.Out, printed, c => c.PartitionsReport);
            }
            else
            {
                PartitionsText.Write(ctx.Out, printed);
            }

            // A lost or damaged table is damage found (1), unless this run wrote what puts it back.
            var handled = printed.TableFile is not null || printed.Journal is not null;
            return !handled && (log.HasErrors || proposal.HasChanges) ? ExitCodes.DataErrors : ExitCodes.Success;
        });
        return cmd;
    }

    private static string DefaultJournal(string source)
    {
        var full = Path.GetFullPath(source);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'");
        return full.StartsWith("/dev/", StringComparison.Ordinal)
            ? Path.Combine(Environment.CurrentDirectory, $"{Path.GetFileName(full)}.srrescue-undo-{stamp}")
            : $"{full}.srrescue-undo-{stamp}";
    }
}
