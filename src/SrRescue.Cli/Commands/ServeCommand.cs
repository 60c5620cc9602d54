using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using SrRescue.Cli.Reports;
using SrRescue.Diagnostics;
using SrRescue.Nbd;

namespace SrRescue.Cli.Commands;

/// <summary>
/// `serve SOURCE... (--vdi UUID [--seqno N] | --lv NAME | --carved UUID | FILE.vhd | FILE.qcow2)
/// [--socket PATH | --port N] [--bind ADDR]`: a read-only NBD server for a recovered disk, so
/// qemu-img, nbdcopy, nbdinfo or the kernel (qemu-nbd --connect, nbd-client) read it without a
/// copy being written first. It runs until Ctrl-C or SIGTERM; the report says what clients did.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext ctx)
    {
        var vdi = new Option<string?>("--vdi") { Description = "Serve this VDI's virtual disk, its snapshot chain read through (the disk 'export --vdi' writes)." };
        var lv = new Option<string?>("--lv") { Description = "Serve this LV's bytes as stored." };
        var carved = new Option<string?>("--carved") { Description = "Carve the sources in memory (no LVM metadata used, nothing written) and serve this carved VDI." };
        var seqno = CommonOptions.Seqno(description: "Read the LV through this metadata copy (default: the newest that defines it); a removed VDI is served this way.");
        var socket = new Option<string?>("--socket") { Description = "Listen on a unix socket at this path instead of TCP.", HelpName = "PATH" };
        var port = new Option<int?>("--port") { Description = $"The TCP port (default {NbdEndpoint.DefaultPort}; 0: any free port, printed).", HelpName = "N" };
        var bind = new Option<string?>("--bind") { Description = "The address to listen on (default 127.0.0.1). NBD has no password: anyone who reaches the port reads the disk.", HelpName = "ADDR" };
        var allowMissing = new Option<bool>("--allow-missing-parent") { Description = "Serve what the chain holds when a parent or backing file cannot be found (those ranges read as zeros)." };
        var cmd = new LvmCommand(ctx, "serve", "Serve a recovered disk read-only over NBD: a VDI or LV of the SR, a carved VDI, or a VHD or QCOW2 file.",
            vdi, lv, carved, seqno, socket, port, bind, allowMissing);
        cmd.Command.SetAction(p =>
        {
            var request = new ServeRequest(p.GetValue(vdi), p.GetValue(lv), p.GetValue(carved), p.GetValue(seqno), p.GetValue(socket), p.GetValue(port),
                p.GetValue(bind), p.GetValue(allowMissing));
            var sources = p.GetValue(cmd.Sources)!;
            request.Validate(sources);
            using var lvm = request.ReadsSr ? cmd.Open(p) : null;
            var findings = lvm?.Findings ?? new FindingLog();
            using var disk = lvm is null ? ServedDisk.FromFile(sources[0], request.AllowMissing)
                : request.Carved is { } uuid ? ServedDisk.FromCarve(ctx, lvm, uuid, request.AllowMissing)
                : ServedDisk.FromSr(lvm, request.Lv, request.Vdi, request.Seqno, request.AllowMissing);
            var report = Serve(ctx, request, disk, sources, findings);
            cmd.Print(p, report, c => c.ServeReport, (c, r) => ServeText.Write(c.Out, r));
            return report.IsPartial ? ExitCodes.DataErrors : ExitCodes.Success;
        });
        return cmd.Command;
    }

    private static ServeReport Serve(CliContext ctx, ServeRequest r, ServedDisk disk, string[] sources, FindingLog findings)
    {
        var export = new NbdExport(disk.Name, disk.Description, disk.Disk);
        using var endpoint = r.Listen(ctx.Err);
        var server = new NbdServer(export, line =>
        {
            lock (ctx.Err)
            {
                ctx.Err.WriteLine(line);
                ctx.Err.Flush();
            }
        });
        ServeText.Banner(ctx.Err, export, endpoint);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.Stop);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal))
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal))
        {
            server.RunAsync(endpoint.Socket, stop.Token).GetAwaiter().GetResult();
        }

        lock (ctx.Err)
        {
            ctx.Err.WriteLine("srrescue serve: stopped");
        }

        return ServeReport.Of(disk.Kind, export, sources, disk.Chain, disk.MissingParent, disk.Seqno, endpoint.Uri, server.Stats, findings);
    }

    private sealed record ServeRequest(string? Vdi, string? Lv, string? Carved, long? Seqno, string? Socket, int? Port, string? Bind, bool AllowMissing)
    {
        public bool ReadsSr => Vdi is not null || Lv is not null || Carved is not null;

        public void Validate(string[] sources)
        {
            if (new[] { Vdi, Lv, Carved }.Count(x => x is not null) > 1)
            {
                throw new UsageException("give one of --vdi UUID, --lv NAME or --carved UUID (or none, to serve a VHD or QCOW2 file)");
            }

            if (!ReadsSr && sources.Length != 1)
            {
                throw new UsageException("without --vdi, --lv or --carved, give one VHD or QCOW2 file to serve");
            }

            if (Seqno is not null && Vdi is null && Lv is null)
            {
                throw new UsageException("--seqno goes with --vdi or --lv");
            }

            if (Socket is not null && (Port is not null || Bind is not null))
            {
                throw new UsageException("--socket listens on a unix socket; --port and --bind are for TCP");
            }

            if (Port is < 0 or > 65535)
            {
                throw new UsageException($"--port {Port}: a TCP port is 0 to 65535");
            }
        }

        /// <summary>The listening socket: the unix socket, or TCP on 127.0.0.1 unless --bind says otherwise (with a warning).</summary>
        public NbdEndpoint Listen(TextWriter err)
        {
            if (Socket is not null)
            {
                return NbdEndpoint.Unix(Socket);
            }

            var address = IPAddress.Loopback;
            if (Bind is not null && !IPAddress.TryParse(Bind, out address))
            {
                throw new UsageException($"--bind {Bind}: not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)");
            }

            if (!IPAddress.IsLoopback(address))
            {
                err.WriteLine($"srrescue serve: WARNING: listening on {address}: NBD has no password and no encryption; anyone who can reach this port can read the whole disk");
            }

            try
            {
                return NbdEndpoint.Tcp(address, Port ?? NbdEndpoint.DefaultPort);
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                throw new UsageException($"{address} port {Port ?? NbdEndpoint.DefaultPort} is in use (another NBD server?); choose another with --port N, or --socket PATH");
            }
        }
    }
}
