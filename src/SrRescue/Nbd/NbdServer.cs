using System.Net.Sockets;

namespace SrRescue.Nbd;

/// <summary>
/// A read-only NBD server for one export: it accepts clients on a listening socket (TCP or unix)
/// and gives each its own thread (reads are positional, so connections share the disk without a
/// lock). A client that breaks the protocol or leaves mid-reply ends its own connection only.
/// Cancelling stops accepting, lets each connection finish the request in hand, then closes it.
/// </summary>
public sealed class NbdServer
{
    /// <summary>Connections served at once; more are closed at once (each may hold a 4 MiB read piece).</summary>
    public const int DefaultMaxConnections = 64;

    /// <summary>How long a client may take over the handshake before it is hung up on.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly NbdExport _export;
    private readonly Action<string> _log;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, (Socket Socket, Task Task)> _open = [];
    private long _nextId;
    private long _connections;
    private long _broken;
    private long _turnedAway;
    private long _requests;
    private long _bytesSent;
    private long _refused;
    private long _errors;
    private long _readErrors;
    private volatile bool _stopping;

    /// <param name="log">Gets one line per connection event (opened, closed with what it did, broken); it may be called from any thread.</param>
    public NbdServer(NbdExport export, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(export);
        _export = export;
        _log = log ?? (_ => { });
    }

    public int MaxConnections { get; init; } = DefaultMaxConnections;

    public NbdServerStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new NbdServerStats(_connections, _broken, _turnedAway, _requests, _bytesSent, _refused, _errors, _readErrors);
            }
        }
    }

    /// <summary>Accepts clients on <paramref name="listener"/> (bound and listening) until <paramref name="stop"/> is cancelled; returns when every connection has closed.</summary>
    public async Task RunAsync(Socket listener, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(listener);
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }

            Start(client);
        }

        await StopAll().ConfigureAwait(false);
    }

    private void Start(Socket client)
    {
        lock (_gate)
        {
            if (_open.Count >= MaxConnections)
            {
                _turnedAway++;
                _log($"a client was turned away: {MaxConnections} connections are open already");
                client.Dispose();
                return;
            }

            var id = ++_nextId;
            _connections++;
            var task = Task.Factory.StartNew(() => Serve(id, client), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            _open[id] = (client, task);
        }
    }

    private void Serve(long id, Socket socket)
    {
        var counts = new NbdConnectionCounts();
        var peer = Peer(socket);
        string? broken = null;
        try
        {
            if (socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
            }

            using var channel = new NbdChannel(socket);
            socket.ReceiveTimeout = (int)HandshakeTimeout.TotalMilliseconds;
            var session = new NbdNegotiation(channel, _export, () => _stopping).Run();
            if (session is null)
            {
                return;
            }

            socket.ReceiveTimeout = 0;
            _log($"connection {id} from {peer}: transmission ({(session.StructuredReplies ? "structured replies" : "simple replies")}{(session.BaseAllocation ? ", base:allocation" : "")})");
            new NbdTransmission(channel, _export, session, counts).Run(() => _stopping);
        }
        catch (NbdProtocolException e)
        {
            broken = e.Message;
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
            // The client left (or was closed at shutdown), perhaps in the middle of a reply: nothing more to send it.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug on this connection must not take the others down; it is said, not hidden.
            broken = $"internal error, please report it: {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            socket.Dispose();
            Finish(id, peer, counts, broken);
        }
    }

    private void Finish(long id, string peer, NbdConnectionCounts counts, string? broken)
    {
        lock (_gate)
        {
            _open.Remove(id);
            _requests += counts.Requests;
            _bytesSent += counts.BytesSent;
            _refused += counts.Refused;
            _errors += counts.Errors;
            _readErrors += counts.ReadErrors;
            if (broken is not null)
            {
                _broken++;
            }
        }

        var did = $"{counts.Requests} requests, {counts.BytesSent} bytes sent" +
            (counts.Refused > 0 ? $", {counts.Refused} writes refused" : "") +
            (counts.Errors > 0 ? $", {counts.Errors} errors (first: {counts.LastError})" : "");
        _log(broken is null ? $"connection {id} from {peer} closed: {did}" : $"connection {id} from {peer} ended: {broken}; {did}");
    }

    private async Task StopAll()
    {
        _stopping = true;
        (Socket Socket, Task Task)[] open;
        lock (_gate)
        {
            open = [.. _open.Values];
        }

        // Shutting down the receiving side wakes a connection waiting for its next request (it
        // reads an end of stream) and leaves one in the middle of a reply to finish sending it.
        foreach (var (socket, _) in open)
        {
            TryShutdown(socket, SocketShutdown.Receive);
        }

        var all = Task.WhenAll(open.Select(o => o.Task));
        if (await Task.WhenAny(all, Task.Delay(DrainTimeout)).ConfigureAwait(false) != all)
        {
            foreach (var (socket, _) in open)
            {
                socket.Dispose();
            }

            await all.ConfigureAwait(false);
        }
    }

    private static void TryShutdown(Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by its own connection.
        }
    }

    private static string Peer(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() is { Length: > 0 } p ? p : "a unix socket client";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return "a client";
        }
    }
}
