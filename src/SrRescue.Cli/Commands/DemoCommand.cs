using System.CommandLine;
using System.IO.Compression;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Recovery;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `demo`: the doctor on a small damaged SR that ships inside the program (the shared
/// `snapshot_chain` fixture, made with lvm2 and blktap: a VDI with two snapshots, one of which was
/// deleted). The image is written to a folder, diagnosed, and the plan's srrescue steps (which
/// only read the image) are run there; the lvm2 and xe steps are printed for a real host.
/// </summary>
internal static class DemoCommand
{
    private const string ResourceName = "SrRescue.Cli.demo-sr.img.gz";

    public static Command Create(CliContext ctx)
    {
        var keep = new Option<string?>("--dir") { Description = "Folder to write the example image and results into (default: a new temporary folder)." };
        var cmd = new Command("demo", "Diagnose a small damaged SR image that ships with the program, and run the read-only steps of its recovery plan.") { keep };
        cmd.SetAction(p =>
        {
            var dir = p.GetValue(keep) ?? Path.Combine(Path.GetTempPath(), $"srrescue-demo-{Guid.NewGuid():N}"[..24]);
            Directory.CreateDirectory(dir);
            var image = Path.Combine(dir, "sr.img");
            WriteImage(image);
            var recovered = Path.Combine(dir, "recovered");
            ctx.Out.WriteLine($"Example: {image}, a 512 MiB local SR (sparse) made with lvm2 and blktap. A VM disk had two");
            ctx.Out.WriteLine("snapshots; then the second snapshot was deleted. What does the doctor say?");
            ctx.Out.WriteLine();
            ctx.Out.WriteLine($"$ srrescue doctor {image} --output-dir {recovered}");
            var log = new FindingLog();
            var report = DoctorReport.Of(Doctor.Diagnose([image], null, recovered, log), log);
            DoctorText.Write(ctx.Out, report);
            ctx.Out.WriteLine();
            ctx.Out.WriteLine("Running the plan's srrescue steps here (they only read the image):");
            Directory.CreateDirectory(recovered);
            foreach (var step in report.Plan.Where(s => s.Tool == "srrescue"))
            {
                ctx.Out.WriteLine();
                ctx.Out.WriteLine($"$ {step.Command}");
                var code = CliApp.Run([.. step.Argv.Skip(1)], ctx);
                if (code > ExitCodes.DataErrors)
                {
                    return code;
                }
            }

            ctx.Out.WriteLine();
            ctx.Out.WriteLine($"The deleted snapshot is back as a self-contained VHD in {recovered}, and the vgcfgrestore file there");
            ctx.Out.WriteLine("puts its LV back into the SR. On a real host you would now run the lvm2 and xe steps above.");
            return ExitCodes.Success;
        });
        return cmd;
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
