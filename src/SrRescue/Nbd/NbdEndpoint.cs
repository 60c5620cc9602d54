using System.Net;
using System.Net.Sockets;

namespace SrRescue.Nbd;

/// <summary>
/// A listening socket for an NBD server and the URI clients give to reach it (the NBD URI
/// standard that qemu and libnbd read: nbd://HOST:PORT, nbd+unix:///?socket=PATH). Disposing it
/// closes the socket and removes a unix socket's file.
/// </summary>
public sealed class NbdEndpoint : IDisposable
{
    /// <summary>The port IANA reserved for NBD.</summary>
    public const int DefaultPort = 10809;

    private NbdEndpoint(Socket socket, string uri, string? socketPath)
    {
        Socket = socket;
        Uri = uri;
        SocketPath = socketPath;
    }

    public Socket Socket { get; }

    public string Uri { get; }

    /// <summary>The unix socket's path, or null for TCP.</summary>
    public string? SocketPath { get; }

    /// <summary>Listens on <paramref name="address"/>:<paramref name="port"/> (port 0: one the system picks, in <see cref="Uri"/>).</summary>
    public static NbdEndpoint Tcp(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var bound = (IPEndPoint)socket.LocalEndPoint!;
        var host = bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString();
        return new NbdEndpoint(socket, $"nbd://{host}:{bound.Port}", null);
    }

    /// <summary>
    /// Listens on a unix socket at <paramref name="path"/>. A socket file left by a server that is
    /// gone (nothing answers on it) is replaced; any other existing file is refused.
    /// </summary>
    public static NbdEndpoint Unix(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (File.Exists(full) || Directory.Exists(full))
        {
            if (!IsDeadSocket(full))
            {
                throw new IOException($"{full} exists and is not a socket left by a stopped server; choose another --socket path or remove it");
            }

            File.Delete(full);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(full));
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NbdEndpoint(socket, $"nbd+unix:///?socket={full}", full);
    }

    private static bool IsDeadSocket(string path)
    {
        if (Directory.Exists(path))
        {
            return false;
        }

        // Only a socket accepts a connection attempt's "refused": a regular file gives another error.
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return false;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.ConnectionRefused;
        }
    }

    public void Dispose()
    {
        Socket.Dispose();
        if (SocketPath is not null)
        {
            try
            {
                File.Delete(SocketPath);
            }
            catch (IOException)
            {
            }
        }
    }
}
