using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace SrRescue.Tests.Nbd;

/// <summary>
/// A minimal NBD client written from the spec for the protocol tests: the fixed newstyle
/// handshake, options, requests and both reply kinds, byte by byte, so tests can also send what
/// no real client would.
/// </summary>
internal sealed class NbdTestClient : IDisposable
{
    public const ulong OptionMagic = 0x49484156454F5054;
    public const ulong ReplyMagic = 0x3E889045565A9;

    private readonly Socket _socket;

    public NbdTestClient(Socket socket)
    {
        _socket = socket;
    }

    public Socket Socket => _socket;

    public sealed record OptionReply(uint Option, uint Type, byte[] Data);

    public sealed record Chunk(ushort Flags, ushort Type, ulong Handle, byte[] Payload)
    {
        public bool Done => (Flags & 1) != 0;

        public uint Error => BinaryPrimitives.ReadUInt32BigEndian(Payload);
    }

    /// <summary>Reads the greeting, sends the client flags (fixed newstyle, no zeroes); returns the handshake flags.</summary>
    public ushort Greet()
    {
        var greeting = Read(18);
        Assert.Equal(0x4E42444D41474943UL, BinaryPrimitives.ReadUInt64BigEndian(greeting));
        Assert.Equal(OptionMagic, BinaryPrimitives.ReadUInt64BigEndian(greeting.AsSpan(8)));
        Send(U32(3));
        return BinaryPrimitives.ReadUInt16BigEndian(greeting.AsSpan(16));
    }

    public void SendOption(uint option, byte[] data) => Send([.. U64(OptionMagic), .. U32(option), .. U32((uint)data.Length), .. data]);

    public OptionReply ReadOptionReply()
    {
        var h = Read(20);
        Assert.Equal(ReplyMagic, BinaryPrimitives.ReadUInt64BigEndian(h));
        var length = BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(16));
        Assert.True(length < 1 << 20, $"option reply of {length} bytes");
        return new OptionReply(BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(8)), BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(12)), Read((int)length));
    }

    /// <summary>Replies up to and including the final one (ACK or an error).</summary>
    public List<OptionReply> ReadOptionReplies()
    {
        var all = new List<OptionReply>();
        while (true)
        {
            var r = ReadOptionReply();
            all.Add(r);
            if (r.Type == 1 || (r.Type & 0x80000000) != 0)
            {
                return all;
            }
        }
    }

    public static byte[] GoData(string name, params ushort[] infos) =>
        [.. U32((uint)Encoding.UTF8.GetByteCount(name)), .. Encoding.UTF8.GetBytes(name), .. U16((ushort)infos.Length), .. infos.SelectMany(U16)];

    public static byte[] MetaContextData(string name, params string[] queries) =>
        [.. U32((uint)Encoding.UTF8.GetByteCount(name)), .. Encoding.UTF8.GetBytes(name), .. U32((uint)queries.Length),
         .. queries.SelectMany(q => (byte[])[.. U32((uint)Encoding.UTF8.GetByteCount(q)), .. Encoding.UTF8.GetBytes(q)])];

    /// <summary>The whole handshake: structured replies and base:allocation if asked, then NBD_OPT_GO; returns the export size and transmission flags.</summary>
    public (long Size, ushort Flags) Handshake(bool structured)
    {
        Greet();
        if (structured)
        {
            SendOption(8, []);
            Assert.Equal(1u, ReadOptionReply().Type);
            SendOption(10, MetaContextData("", "base:allocation"));
            var replies = ReadOptionReplies();
            Assert.Equal([4u, 1u], replies.Select(r => r.Type));
        }

        SendOption(7, GoData(""));
        var info = ReadOptionReplies();
        Assert.Equal(1u, info[^1].Type);
        var export = info.Single(r => r.Type == 3 && BinaryPrimitives.ReadUInt16BigEndian(r.Data) == 0);
        return ((long)BinaryPrimitives.ReadUInt64BigEndian(export.Data.AsSpan(2)), BinaryPrimitives.ReadUInt16BigEndian(export.Data.AsSpan(10)));
    }

    public void Request(ushort type, ulong handle, ulong offset, uint length, ushort flags = 0, byte[]? payload = null) =>
        Send([.. U32(0x25609513), .. U16(flags), .. U16(type), .. U64(handle), .. U64(offset), .. U32(length), .. payload ?? []]);

    /// <summary>A simple reply's error and handle (its data, if any, is left to read).</summary>
    public (uint Error, ulong Handle) ReadSimpleReply()
    {
        var h = Read(16);
        Assert.Equal(0x67446698u, BinaryPrimitives.ReadUInt32BigEndian(h));
        return (BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(4)), BinaryPrimitives.ReadUInt64BigEndian(h.AsSpan(8)));
    }

    public Chunk ReadChunk()
    {
        var h = Read(20);
        Assert.Equal(0x668E33EFu, BinaryPrimitives.ReadUInt32BigEndian(h));
        var length = BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(16));
        return new Chunk(BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(4)), BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(6)),
            BinaryPrimitives.ReadUInt64BigEndian(h.AsSpan(8)), Read((int)length));
    }

    /// <summary>Chunks up to and including the one marked done.</summary>
    public List<Chunk> ReadReply()
    {
        var all = new List<Chunk>();
        do
        {
            all.Add(ReadChunk());
        }
        while (!all[^1].Done);
        return all;
    }

    public void Send(byte[] bytes) => _socket.Send(bytes);

    public byte[] Read(int count)
    {
        var buffer = new byte[count];
        var done = 0;
        while (done < count)
        {
            var n = _socket.Receive(buffer, done, count - done, SocketFlags.None);
            if (n == 0)
            {
                throw new EndOfStreamException($"the server closed the connection after {done} of {count} bytes");
            }

            done += n;
        }

        return buffer;
    }

    /// <summary>Whether the server has closed the connection (reads an end of stream within the timeout).</summary>
    public bool ServerClosed()
    {
        try
        {
            return _socket.Receive(new byte[1]) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();

    public static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, v);
        return b;
    }

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    public static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }
}
