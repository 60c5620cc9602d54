using System.Buffers.Binary;
using System.Net.Sockets;

namespace SrRescue.Nbd;

/// <summary>
/// One client's socket as the protocol uses it: exact big-endian reads, and writes gathered in a
/// buffer that <see cref="Flush"/> sends at the end of each reply. A client that goes away shows
/// as <see cref="EndOfStreamException"/> or <see cref="IOException"/>.
/// </summary>
internal sealed class NbdChannel : IDisposable
{
    private const int WriteBufferBytes = 64 * 1024;
    private const int DrainBytes = 64 * 1024;

    private readonly NetworkStream _net;
    private readonly BufferedStream _out;

    public NbdChannel(Socket socket)
    {
        _net = new NetworkStream(socket, ownsSocket: false);
        _out = new BufferedStream(_net, WriteBufferBytes);
    }

    public void ReadExactly(Span<byte> buffer) => _net.ReadExactly(buffer);

    public uint ReadUInt32()
    {
        Span<byte> b = stackalloc byte[4];
        _net.ReadExactly(b);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    public ulong ReadUInt64()
    {
        Span<byte> b = stackalloc byte[8];
        _net.ReadExactly(b);
        return BinaryPrimitives.ReadUInt64BigEndian(b);
    }

    /// <summary>Reads and drops <paramref name="count"/> bytes (a refused write's payload) through a small buffer.</summary>
    public void Drain(long count)
    {
        Span<byte> scratch = new byte[(int)Math.Min(DrainBytes, Math.Max(1, count))];
        while (count > 0)
        {
            var n = (int)Math.Min(count, scratch.Length);
            _net.ReadExactly(scratch[..n]);
            count -= n;
        }
    }

    public void Write(ReadOnlySpan<byte> bytes) => _out.Write(bytes);

    public void WriteUInt16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        _out.Write(b);
    }

    public void WriteUInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        _out.Write(b);
    }

    public void WriteUInt64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        _out.Write(b);
    }

    public void Flush() => _out.Flush();

    public void Dispose()
    {
        try
        {
            _out.Dispose();
        }
        catch (IOException)
        {
            // The client is gone; what was left in the buffer has nowhere to go.
        }

        _net.Dispose();
    }
}
