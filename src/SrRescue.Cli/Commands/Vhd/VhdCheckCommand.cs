using System.CommandLine;
using SrRescue.Cli.Output;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Cli.Commands.Vhd;

/// <summary>
/// `vhd check FILE [--bitmaps] [--json]`: every check vhd-util check makes, with every problem
/// reported; exit 0 when clean, 1 when problems were found. A block device is taken to be an LV
/// of an LVHD SR (a 0xC7 primary footer is then normal).
/// </summary>
internal static class VhdCheckCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = new Argument<string>("FILE") { Description = "A VHD file or LV (opened read-only). Its parent is looked for beside it." };
        file.Validators.Add(CommonOptions.RefuseOptionLikeTokens);
        var json = CommonOptions.Json();
        var bitmaps = new Option<bool>("--bitmaps") { Description = "Also read every block and report data in sectors whose bitmap bit is clear (vhd-util check -b). Reads the whole file." };
        var cmd = new Command("check", "Check every structure of a VHD and report every problem, not just the first.") { file, json, bitmaps };
        cmd.SetAction(p =>
        {
            var path = p.GetValue(file)!;
            var log = new FindingLog();
            using var source = FileSource.Open(path);
            using var resolver = new FileParentResolver(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var bar = new ProgressBar(ctx);
            var report = VhdChecker.Check(source, log, new VhdCheckOptions
            {
                OnLv = source.IsBlockDevice,
                CheckBitmaps = p.GetValue(bitmaps),
                ParentResolver = resolver,
                Progress = bar,
            });
            bar.Done();
            if (p.GetValue(json))
            {
                using var j = new JsonOut(ctx.Out, "vhd-check");
                WriteJson(j, report);
                j.Findings(log);
            }
            else
            {
                WriteText(ctx.Out, report, path);
            }

            return report.IsClean ? ExitCodes.Success : ExitCodes.DataErrors;
        });
        return cmd;
    }

    private static void WriteJson(JsonOut j, VhdCheckReport r)
    {
        var w = j.W;
        w.WriteString("file", r.Name);
        w.WriteNumber("file_size", r.FileSizeBytes);
        j.NullableString("disk_type", r.DiskType?.ToString().ToLowerInvariant());
        w.WriteNumber("virtual_size", r.VirtualSizeBytes);
        w.WriteString("uuid", r.Uuid.ToString());
        w.WriteBoolean("hidden", r.IsHidden);
        w.WriteString("footer_used", r.FooterUsed.Replace(' ', '_'));
        w.WriteNumber("block_size", r.BlockSizeBytes);
        w.WriteNumber("max_table_entries", r.MaxTableEntries);
        j.NullableNumber("recovered_max_table_entries", r.RecoveredMaxTableEntries);
        w.WriteNumber("bat_entries", r.BatEntries);
        w.WriteNumber("allocated_blocks", r.AllocatedBlocks);
        w.WriteBoolean("batmap", r.HasBatmap);
        if (r.DiskType == VhdDiskType.Differencing)
        {
            w.WriteStartObject("parent");
            w.WriteString("uuid", r.ParentUuid.ToString());
            j.NullableString("name", r.ParentName);
            j.NullableString("found_at", r.ParentFoundAt);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("parent");
        }

        w.WriteBoolean("bitmaps_checked", r.BitmapsChecked);
        w.WriteNumber("errors", r.Errors);
        w.WriteNumber("warnings", r.Warnings);
        w.WriteBoolean("clean", r.IsClean);
    }

    private static void WriteText(TextWriter o, VhdCheckReport r, string path)
    {
        if (r.DiskType is not { } type)
        {
            o.WriteLine($"{r.Name}: NOT A READABLE VHD ({Units.Bytes(r.FileSizeBytes)}): no footer at the end or at offset 0.");
        }
        else
        {
            o.WriteLine($"{r.Name}: {type.ToString().ToLowerInvariant()} VHD, virtual size {Units.Bytes(r.VirtualSizeBytes)} ({r.VirtualSizeBytes} bytes), file {Units.Bytes(r.FileSizeBytes)}");
            o.WriteLine($"  uuid {r.Uuid}{(r.IsHidden ? ", hidden (a base copy)" : "")}; footer used: {r.FooterUsed}");
            if (r.BlockSizeBytes > 0)
            {
                var max = r.RecoveredMaxTableEntries is { } rec ? $"{rec} entries (recovered: the stored value is damaged)" : $"{r.MaxTableEntries} entries";
                o.WriteLine($"  blocks: {r.AllocatedBlocks} of {r.BatEntries} allocated, {Units.Bytes(r.BlockSizeBytes)} each; BAT of {max}; {(r.HasBatmap ? "batmap present" : "no batmap")}");
            }

            if (type == VhdDiskType.Differencing)
            {
                o.WriteLine($"  parent: {r.ParentName} (footer uuid {r.ParentUuid}){(r.ParentFoundAt is { } at ? $", found: {at}" : "")}");
            }

            if (r.BitmapsChecked)
            {
                o.WriteLine("  bitmaps were checked against the data");
            }
        }

        VhdFindingText.WriteProblems(o, r.Findings);
        VhdFindingText.WriteNotes(o, r.Findings);
        o.WriteLine();
        if (r.IsClean)
        {
            o.WriteLine("Result: no problems found.");
        }
        else
        {
            o.WriteLine($"Result: DAMAGED ({r.Errors} {(r.Errors == 1 ? "error" : "errors")}, {r.Warnings} {(r.Warnings == 1 ? "warning" : "warnings")}).");
            o.WriteLine($"  'srrescue vhd repair {path} -o REPAIRED.vhd' writes a repaired copy; {Path.GetFileName(path)} itself is never changed.");
        }
    }
}
