using System.CommandLine;
using System.IO.Compression;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `demo`: the main job on a small damaged SR that ships inside the program (the shared
/// `lost_vdi` fixture, made with lvm2 and blktap: one VDI was deleted). It is written to a
/// temporary folder and run through history, restore-metadata and export, printing each command.
/// </summary>
internal static class DemoCommand
{
    private const string ResourceName = "SrRescue.Cli.demo-lost-vdi.img.gz";

    public static Command Create(CliContext ctx)
    {
        var keep = new Option<string?>("--dir") { Description = "Folder to write the example image and results into (default: a new temporary folder)." };
        var cmd = new Command("demo", "Recover a deleted VDI from a small damaged SR image that ships with the program.") { keep };
        cmd.SetAction(p =>
        {
            var dir = p.GetValue(keep) ?? Path.Combine(Path.GetTempPath(), $"srrescue-demo-{Guid.NewGuid():N}"[..24]);
            Directory.CreateDirectory(dir);
            var image = Path.Combine(dir, "sr-with-deleted-vdi.img");
            WriteImage(image);
            ctx.Out.WriteLine($"Example SR image (512 MiB, sparse): {image}");
            ctx.Out.WriteLine("An administrator deleted a VDI; its LV is gone from the current LVM metadata. The");
            ctx.Out.WriteLine("metadata ring on the PV still holds older copies that define it.");
            ctx.Out.WriteLine();
            if (Step(ctx, "history", image) > 1)
            {
                return ExitCodes.DataErrors;
            }

            var lvm = SrRescue.Lvm.LvmInspection.Open([image], null);
            string lost;
            long before;
            using (lvm)
            {
                var removal = lvm.Vg!.Versions.SelectMany(v => v.Changes.Where(c => c.Kind == SrRescue.Lvm.Model.LvChangeKind.Removed).Select(c => (v.Seqno, c.LvName))).Last();
                lost = removal.LvName;
                before = lvm.Vg.NewestDefining(lost)!.Seqno;
            }

            var vg = Path.Combine(dir, "restore.vg");
            var disk = Path.Combine(dir, lost + ".vhd");
            Step(ctx, "restore-metadata", image, "--seqno", before.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lv", lost, "-o", vg, "--force");
            Step(ctx, "export", image, "--lv", lost, "-o", disk, "--force");
            ctx.Out.WriteLine($"The deleted VDI's LV is back as {disk} (a VHD: 'qemu-img info {disk}'), and");
            ctx.Out.WriteLine($"{vg} puts the LV back into the SR's metadata with vgcfgrestore. The image was only read.");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static int Step(CliContext ctx, params string[] args)
    {
        ctx.Out.WriteLine($"$ srrescue {string.Join(' ', args.Where(a => a != "--force"))}");
        var code = CliApp.Run(args, ctx);
        ctx.Out.WriteLine();
        return code;
    }

    private static void WriteImage(string path)
    {
        using var resource = typeof(DemoCommand).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the demo image {ResourceName} is missing from the program");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        var buffer = new byte[1 << 20];
        long length = 0;
        int n;
        while ((n = gzip.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                file.Position = length;
                file.Write(buffer, 0, n);
            }

            length += n;
        }

        file.SetLength(length);
    }
}
