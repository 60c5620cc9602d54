using System.Buffers.Binary;
using System.Text;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Nbd;

/// <summary>
/// The protocol byte by byte (nbd.md): what the handshake answers, EPERM for every write-like
/// command with the connection going on, EINVAL past the end, bounded request sizes, holes as
/// OFFSET_HOLE chunks, and clients that leave mid-reply or send garbage hurting nobody else.
/// </summary>
public sealed class NbdProtocolTests
{
    private const ushort Read = 0, Write = 1, Disc = 2, Flush = 3, Trim = 4, WriteZeroes = 6, BlockStatus = 7;
    private const uint EPerm = 1, EInval = 22, EOverflow = 75;

    /// <summary>The qcow2 chain: 16 MiB, its first 64 KiB a hole (a zero cluster), data at 64 KiB.</summary>
    private static ServedNbd Qcow2()
    {
        var dir = VhdFiles.Extract("qcow2_files", "child.qcow2.gz", "base.qcow2.gz");
        return ServedNbd.Start("serve", Path.Combine(dir, "child.qcow2"), "--json");
    }

    [Fact]
    public void The_handshake_lists_the_export_refuses_what_it_does_not_know_and_acks_an_abort()
    {
        using var served = Qcow2();
        using var c = new NbdTestClient(served.Connect());
        var flags = c.Greet();
        Assert.Equal(3, flags); // fixed newstyle, no zeroes

        c.SendOption(3, []); // LIST
        var list = c.ReadOptionReplies();
        Assert.Equal([2u, 1u], list.Select(r => r.Type));
        Assert.Equal("child.qcow2", Encoding.UTF8.GetString(list[0].Data, 4, (int)BinaryPrimitives.ReadUInt32BigEndian(list[0].Data)));

        c.SendOption(99, [1, 2, 3]);
        Assert.Equal(0x80000001u, c.ReadOptionReply().Type); // ERR_UNSUP
        c.SendOption(5, []); // STARTTLS
        Assert.Equal(0x80000002u, c.ReadOptionReply().Type); // ERR_POLICY
        c.SendOption(6, NbdTestClient.GoData("no-such-export"));
        Assert.Equal(0x80000006u, c.ReadOptionReply().Type); // ERR_UNKNOWN
        c.SendOption(6, [0, 0, 0, 200]); // a name longer than the option
        Assert.Equal(0x80000003u, c.ReadOptionReply().Type); // ERR_INVALID
        c.SendOption(10, NbdTestClient.MetaContextData("", "base:allocation")); // before structured replies
        Assert.Equal(0x80000003u, c.ReadOptionReply().Type);

        c.SendOption(6, NbdTestClient.GoData("child.qcow2", 1, 2)); // INFO with name and description
        var info = c.ReadOptionReplies();
        Assert.Equal(1u, info[^1].Type);
        var types = info.Where(r => r.Type == 3).Select(r => BinaryPrimitives.ReadUInt16BigEndian(r.Data)).Order().ToList();
        Assert.Equal([0, 1, 2, 3], types);
        var export = info.First(r => r.Type == 3 && BinaryPrimitives.ReadUInt16BigEndian(r.Data) == 0).Data;
        Assert.Equal(16L << 20, (long)BinaryPrimitives.ReadUInt64BigEndian(export.AsSpan(2)));
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(export.AsSpan(10)) & 2); // NBD_FLAG_READ_ONLY

        c.SendOption(2, []); // ABORT
        Assert.Equal(1u, c.ReadOptionReply().Type);
        Assert.True(c.ServerClosed());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_write_like_command_gets_EPERM_and_the_connection_goes_on(bool structured)
    {
        using var served = Qcow2();
        using var c = new NbdTestClient(served.Connect());
        c.Handshake(structured);
        c.Request(Write, 1, 0, 4096, payload: new byte[4096]);
        Assert.Equal(EPerm, ErrorOf(c, structured, 1));
        c.Request(Trim, 2, 0, 4096);
        Assert.Equal(EPerm, ErrorOf(c, structured, 2));
        c.Request(WriteZeroes, 3, 0, 4096);
        Assert.Equal(EPerm, ErrorOf(c, structured, 3));
        c.Request(Flush, 4, 0, 0);
        Assert.Equal((0u, 4UL), c.ReadSimpleReply());

        // Still serving: the data cluster of the chain at 64 KiB is not all zeros.
        var data = ReadBytes(c, structured, 5, 65536, 4096);
        Assert.Contains(data, b => b != 0);
        var r = served.Stop();
        Assert.Equal(3, r.Json().GetProperty("writes_refused").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Requests_outside_the_disk_or_too_large_get_errors_not_data(bool structured)
    {
        using var served = Qcow2();
        using var c = new NbdTestClient(served.Connect());
        var (size, _) = c.Handshake(structured);
        c.Request(Read, 1, (ulong)size - 512, 1024);
        Assert.Equal(EInval, ErrorOf(c, structured, 1));
        c.Request(Read, 2, ulong.MaxValue - 10, 512); // offset + length overflows 64 bits
        Assert.Equal(EInval, ErrorOf(c, structured, 2));
        c.Request(Read, 3, 0, 0);
        Assert.Equal(EInval, ErrorOf(c, structured, 3));
        c.Request(Read, 4, 0, uint.MaxValue);
        Assert.Contains(ErrorOf(c, structured, 4), new[] { EInval, EOverflow });
        c.Request(Read, 5, 0, 512, flags: 0x4000); // a flag no command has
        Assert.Equal(EInval, ErrorOf(c, structured, 5));
        c.Request(42, 6, 0, 512);
        Assert.Equal(EInval, ErrorOf(c, structured, 6));

        // A read of the last byte still works.
        Assert.Single(ReadBytes(c, structured, 7, size - 1, 1));
        c.Request(Disc, 8, 0, 0);
        Assert.True(c.ServerClosed());
    }

    [Fact]
    public void A_structured_read_sends_the_hole_as_a_hole_and_block_status_reports_it()
    {
        using var served = Qcow2();
        using var c = new NbdTestClient(served.Connect());
        c.Handshake(structured: true);
        c.Request(Read, 1, 0, 128 * 1024);
        var chunks = c.ReadReply();
        var hole = chunks.Single(ch => ch.Type == 2);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64BigEndian(hole.Payload));
        Assert.Equal(65536u, BinaryPrimitives.ReadUInt32BigEndian(hole.Payload.AsSpan(8)));
        var data = chunks.Single(ch => ch.Type == 1);
        Assert.Equal(65536UL, BinaryPrimitives.ReadUInt64BigEndian(data.Payload));
        Assert.Equal(65536 + 8, data.Payload.Length);

        c.Request(BlockStatus, 2, 0, 128 * 1024);
        var status = c.ReadReply().Single();
        Assert.Equal(5, status.Type);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(status.Payload)); // the base:allocation id the server gave
        Assert.Equal((65536u, 3u), (BinaryPrimitives.ReadUInt32BigEndian(status.Payload.AsSpan(4)), BinaryPrimitives.ReadUInt32BigEndian(status.Payload.AsSpan(8))));
        Assert.Equal((65536u, 0u), (BinaryPrimitives.ReadUInt32BigEndian(status.Payload.AsSpan(12)), BinaryPrimitives.ReadUInt32BigEndian(status.Payload.AsSpan(16))));

        // NBD_CMD_FLAG_DF: one data chunk with the zeros written out.
        c.Request(Read, 3, 0, 128 * 1024, flags: 4);
        var whole = c.ReadReply();
        Assert.Single(whole, ch => ch.Type == 1);
        Assert.Equal(128 * 1024 + 8, whole.Single(ch => ch.Type == 1).Payload.Length);
    }

    [Fact]
    public void Clients_that_leave_mid_read_or_send_garbage_do_not_hurt_the_server_or_others()
    {
        using var served = Qcow2();
        using var steady = new NbdTestClient(served.Connect());
        steady.Handshake(structured: false);
        var before = ReadBytes(steady, false, 1, 0, 1 << 20);

        for (var i = 0; i < 20; i++)
        {
            // A 16 MiB read whose reply nobody reads: the server is still writing when the client is gone.
            using var quitter = new NbdTestClient(served.Connect());
            quitter.Handshake(structured: i % 2 == 0);
            quitter.Request(Read, 1, 0, 16 << 20);
            quitter.Socket.Close();
        }

        var random = new Random(13);
        for (var i = 0; i < 60; i++)
        {
            using var fuzz = new NbdTestClient(served.Connect());
            var junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            if (i % 3 == 0)
            {
                fuzz.Greet();
            }
            else if (i % 3 == 1)
            {
                fuzz.Handshake(structured: i % 2 == 0);
                junk[0] = 0x25; // sometimes a request magic, then garbage
            }

            try
            {
                fuzz.Send(junk);
                fuzz.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                // Whatever it answers, it ends the conversation: a reply, an error, or a close; never a hang.
                while (fuzz.Socket.Receive(new byte[4096]) > 0)
                {
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }

        Assert.Equal(before, ReadBytes(steady, false, 2, 0, 1 << 20));
        using (var late = new NbdTestClient(served.Connect()))
        {
            late.Handshake(structured: true);
            Assert.Equal(before, ReadBytes(late, true, 1, 0, 1 << 20));
        }

        steady.Request(Disc, 3, 0, 0);
        var r = served.Stop();
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.True(r.Json().GetProperty("connections").GetInt32() >= 82);
    }

    private static uint ErrorOf(NbdTestClient c, bool structured, ulong handle)
    {
        if (!structured)
        {
            var (error, h) = c.ReadSimpleReply();
            Assert.Equal(handle, h);
            return error;
        }

        var chunk = c.ReadReply().Single();
        Assert.Equal(handle, chunk.Handle);
        Assert.True((chunk.Type & 0x8000) != 0, $"chunk type {chunk.Type} is not an error");
        return chunk.Error;
    }

    /// <summary>A read's bytes, from a simple reply or reassembled from data and hole chunks.</summary>
    private static byte[] ReadBytes(NbdTestClient c, bool structured, ulong handle, long offset, int length)
    {
        c.Request(Read, handle, (ulong)offset, (uint)length);
        if (!structured)
        {
            Assert.Equal((0u, handle), c.ReadSimpleReply());
            return c.Read(length);
        }

        var bytes = new byte[length];
        foreach (var chunk in c.ReadReply())
        {
            Assert.Equal(handle, chunk.Handle);
            Assert.True((chunk.Type & 0x8000) == 0, $"error chunk {chunk.Type}");
            if (chunk.Type == 1)
            {
                var at = (long)BinaryPrimitives.ReadUInt64BigEndian(chunk.Payload) - offset;
                chunk.Payload.AsSpan(8).CopyTo(bytes.AsSpan((int)at));
            }
        }

        return bytes;
    }
}
