using System.Net.Sockets;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Nbd;

/// <summary>
/// `srrescue serve ... --socket PATH` running in-process on a thread of its own until
/// <see cref="Stop"/>: the URI for the real clients, the result (report and stderr) at the end.
/// </summary>
internal sealed class ServedNbd : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<Support.Cli.Result> _run;
    private Support.Cli.Result? _result;

    private ServedNbd(string[] args, string socketPath)
    {
        SocketPath = socketPath;
        _run = Task.Factory.StartNew(() => Support.Cli.Run(_stop.Token, [.. args, "--socket", socketPath]), TaskCreationOptions.LongRunning);
    }

    public string SocketPath { get; }

    public string Uri => $"nbd+unix:///?socket={SocketPath}";

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    public static ServedNbd Start(params string[] args)
    {
        var served = new ServedNbd(args, Path.Combine(Fixtures.NewTempDir(), "nbd.sock"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!served.Accepts())
        {
            if (served._run.IsCompleted)
            {
                var r = served._run.Result;
                throw new InvalidOperationException($"serve ended before it listened (exit {r.ExitCode}): {r.Out}{r.Err}");
            }

            if (DateTime.UtcNow > deadline)
            {
                served.Dispose();
                throw new TimeoutException("serve did not listen within 60 s");
            }

            Thread.Sleep(50);
        }

        return served;
    }

    /// <summary>A raw connection to the server (for the protocol tests).</summary>
    public Socket Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        socket.ReceiveTimeout = 30_000;
        return socket;
    }

    /// <summary>Stops the server as Ctrl-C does and returns what the command printed and its exit code.</summary>
    public Support.Cli.Result Stop()
    {
        if (_result is null)
        {
            _stop.Cancel();
            Assert.True(_run.Wait(TimeSpan.FromSeconds(60)), "serve did not stop within 60 s of being told to");
            _result = _run.Result;
        }

        return _result;
    }

    public void Dispose()
    {
        if (_result is null && !_run.IsCompleted)
        {
            _stop.Cancel();
            _run.Wait(TimeSpan.FromSeconds(60));
        }

        _stop.Dispose();
    }

    private bool Accepts()
    {
        if (!File.Exists(SocketPath))
        {
            return false;
        }

        try
        {
            using var s = Connect();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
