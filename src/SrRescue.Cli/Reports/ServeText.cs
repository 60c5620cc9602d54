using SrRescue.Cli.Commands;
using SrRescue.Cli.Output;
using SrRescue.Nbd;

namespace SrRescue.Cli.Reports;

/// <summary>
/// The text of a <see cref="ServeReport"/> (stdout, when the server has stopped), and the banner
/// that says on stderr, while it runs, what is served where and how to read it.
/// </summary>
internal static class ServeText
{
    public static void Write(TextWriter o, ServeReport r)
    {
        o.WriteLine($"Served {r.Description}: {Units.Bytes(r.Size)}, read-only, at {r.Uri}");
        if (r.Chain.Count > 1)
        {
            o.WriteLine($"  chain: {string.Join(" <- ", r.Chain.Reverse())}");
        }

        if (r.MissingParent is { } missing)
        {
            o.WriteLine($"  INCOMPLETE: the parent {missing} was not found; what it held was served as zeros");
        }

        o.WriteLine($"  {r.Connections} connections, {r.Requests} requests, {Units.Bytes(r.BytesSent)} sent" +
            (r.WritesRefused > 0 ? $", {r.WritesRefused} writes refused" : "") +
            (r.Errors > 0 ? $", {r.Errors} requests answered with an error" : "") +
            (r.BrokenConnections > 0 ? $", {r.BrokenConnections} connections ended for breaking the protocol" : "") +
            (r.TurnedAway > 0 ? $", {r.TurnedAway} turned away (too many at once)" : ""));
        if (r.ReadErrors > 0)
        {
            o.WriteLine($"  READ ERRORS: {r.ReadErrors} reads of the source failed; the clients got EIO for them");
        }

        FindingsText.Write(o, r.Findings);
    }

    /// <summary>What is served, its size, the URI, and commands that read it: for the user to copy while the server runs.</summary>
    public static void Banner(TextWriter e, NbdExport export, NbdEndpoint endpoint)
    {
        var uri = endpoint.Uri;
        e.WriteLine($"Serving {export.Description}");
        e.WriteLine($"  {Units.Bytes(export.Disk.Length)} ({export.Disk.Length} bytes), read-only{(export.KnowsHoles ? ", holes known from the image's own allocation" : "")}");
        e.WriteLine($"  NBD URI: {uri}   (export name '{export.Name}', or the default '')");
        e.WriteLine("Read it with, for example:");
        e.WriteLine($"  nbdinfo --map '{uri}'");
        e.WriteLine($"  qemu-img convert -p -f raw -O raw '{uri}' disk.raw");
        e.WriteLine($"  nbdcopy --progress '{uri}' disk.raw");
        e.WriteLine("Look inside it without copying (root; modprobe nbd first):");
        e.WriteLine($"  qemu-nbd --read-only --format=raw --connect=/dev/nbd0 '{uri}'");
        e.WriteLine(endpoint.Socket.LocalEndPoint is System.Net.IPEndPoint ip
            ? $"    or: nbd-client {ip.Address} {ip.Port} /dev/nbd0 -readonly"
            : $"    or: nbd-client -unix {endpoint.SocketPath} /dev/nbd0 -readonly");
        e.WriteLine("  mount -o ro /dev/nbd0p1 /mnt        ... umount /mnt; qemu-nbd --disconnect /dev/nbd0");
        e.WriteLine("Ctrl-C stops the server.");
        e.Flush();
    }
}
