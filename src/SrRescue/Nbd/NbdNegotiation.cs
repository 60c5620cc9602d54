using System.Text;

namespace SrRescue.Nbd;

/// <summary>
/// The handshake (nbd.md 3): the fixed newstyle greeting, then the client's options until one of
/// them (NBD_OPT_GO or NBD_OPT_EXPORT_NAME) starts transmission, or the client aborts or leaves.
/// Unknown options are answered NBD_REP_ERR_UNSUP, malformed ones NBD_REP_ERR_INVALID; only a
/// broken frame (a wrong magic, unknown client flags, an oversized option) ends the connection.
/// </summary>
internal sealed class NbdNegotiation
{
    private const uint KnownClientFlags = NbdConstants.ClientFixedNewstyle | NbdConstants.ClientNoZeroes;

    private readonly NbdChannel _channel;
    private readonly NbdExport _export;
    private readonly Func<bool> _stopping;
    private bool _structured;
    private bool _baseAllocation;

    public NbdNegotiation(NbdChannel channel, NbdExport export, Func<bool> stopping)
    {
        _channel = channel;
        _export = export;
        _stopping = stopping;
    }

    /// <summary>What transmission uses: structured replies, base:allocation selected.</summary>
    public sealed record Session(bool StructuredReplies, bool BaseAllocation);

    /// <summary>The session, or null when the client aborted; <see cref="NbdProtocolException"/> for a broken frame.</summary>
    public Session? Run()
    {
        _channel.WriteUInt64(NbdConstants.InitMagic);
        _channel.WriteUInt64(NbdConstants.OptionMagic);
        _channel.WriteUInt16(NbdConstants.FlagFixedNewstyle | NbdConstants.FlagNoZeroes);
        _channel.Flush();
        var clientFlags = _channel.ReadUInt32();
        if ((clientFlags & ~KnownClientFlags) != 0)
        {
            // nbd.md 3: the server MUST drop the connection on a client flag it does not know.
            throw new NbdProtocolException($"the client sent unknown client flags 0x{clientFlags:x8}");
        }

        var noZeroes = (clientFlags & NbdConstants.ClientNoZeroes) != 0;
        while (true)
        {
            var magic = _channel.ReadUInt64();
            if (magic != NbdConstants.OptionMagic)
            {
                throw new NbdProtocolException($"an option began with 0x{magic:x16}, not IHAVEOPT");
            }

            var option = _channel.ReadUInt32();
            var length = _channel.ReadUInt32();
            if (length > NbdConstants.MaxOptionBytes)
            {
                throw new NbdProtocolException($"option {option} carries {length} bytes of data, more than the {NbdConstants.MaxOptionBytes} this server reads");
            }

            var data = new byte[length];
            _channel.ReadExactly(data);
            if (Answer(option, data, noZeroes) is { } outcome)
            {
                return outcome.Session;
            }
        }
    }

    /// <summary>Replies to one option; a result when the handshake is over (a null session: aborted).</summary>
    private Outcome? Answer(uint option, byte[] data, bool noZeroes)
    {
        if (option == NbdConstants.OptAbort)
        {
            Reply(option, NbdConstants.RepAck);
            return new Outcome(null);
        }

        if (_stopping())
        {
            if (option == NbdConstants.OptExportName)
            {
                throw new NbdProtocolException("the server is stopping");
            }

            return Error(option, NbdConstants.RepErrShutdown, "the server is stopping");
        }

        switch (option)
        {
            case NbdConstants.OptExportName:
                var name = Encoding.UTF8.GetString(data);
                if (!_export.Answers(name))
                {
                    // This option cannot answer an error: the spec's only way out is to hang up.
                    throw new NbdProtocolException($"the client asked for export '{name}'; this server has '{_export.Name}' (or the default, '')");
                }

                _channel.WriteUInt64((ulong)_export.Disk.Length);
                _channel.WriteUInt16(NbdExport.TransmissionFlags(_structured));
                if (!noZeroes)
                {
                    _channel.Write(new byte[124]);
                }

                _channel.Flush();
                return new Outcome(new Session(_structured, _baseAllocation));
            case NbdConstants.OptList:
                if (data.Length != 0)
                {
                    return Error(option, NbdConstants.RepErrInvalid, "NBD_OPT_LIST carries no data");
                }

                var export = Encoding.UTF8.GetBytes(_export.Name);
                var description = Encoding.UTF8.GetBytes(_export.Description);
                ReplyHeader(option, NbdConstants.RepServer, 4 + export.Length + description.Length);
                _channel.WriteUInt32((uint)export.Length);
                _channel.Write(export);
                _channel.Write(description);
                Reply(option, NbdConstants.RepAck);
                return null;
            case NbdConstants.OptStartTls:
                return Error(option, NbdConstants.RepErrPolicy, "this server does not speak TLS; it listens on 127.0.0.1 or a unix socket unless told otherwise");
            case NbdConstants.OptInfo:
            case NbdConstants.OptGo:
                return Info(option, data);
            case NbdConstants.OptStructuredReply:
                if (data.Length != 0)
                {
                    return Error(option, NbdConstants.RepErrInvalid, "NBD_OPT_STRUCTURED_REPLY carries no data");
                }

                _structured = true;
                Reply(option, NbdConstants.RepAck);
                return null;
            case NbdConstants.OptListMetaContext:
            case NbdConstants.OptSetMetaContext:
                return MetaContext(option, data);
            default:
                return Error(option, NbdConstants.RepErrUnsup, $"option {option} is not supported by this server");
        }
    }

    private Outcome? Info(uint option, byte[] data)
    {
        if (NbdOptionData.ReadInfo(data) is not { } request)
        {
            return Error(option, NbdConstants.RepErrInvalid, "the lengths inside the option do not add up");
        }

        if (!_export.Answers(request.ExportName))
        {
            return Error(option, NbdConstants.RepErrUnknown, $"no export named '{request.ExportName}'; this server has '{_export.Name}' (or the default, '')");
        }

        ReplyHeader(option, NbdConstants.RepInfo, 12);
        _channel.WriteUInt16(NbdConstants.InfoExport);
        _channel.WriteUInt64((ulong)_export.Disk.Length);
        _channel.WriteUInt16(NbdExport.TransmissionFlags(_structured));

        // Sent whether asked or not (clients ignore what they do not know): any byte offset and
        // length works, 4 KiB is a good size, 32 MiB the most one request may ask.
        ReplyHeader(option, NbdConstants.RepInfo, 14);
        _channel.WriteUInt16(NbdConstants.InfoBlockSize);
        _channel.WriteUInt32(1);
        _channel.WriteUInt32(4096);
        _channel.WriteUInt32(NbdConstants.MaxPayloadBytes);

        if (request.InfoTypes.Contains(NbdConstants.InfoName))
        {
            InfoString(option, NbdConstants.InfoName, _export.Name);
        }

        if (request.InfoTypes.Contains(NbdConstants.InfoDescription))
        {
            InfoString(option, NbdConstants.InfoDescription, _export.Description);
        }

        Reply(option, NbdConstants.RepAck);
        return option == NbdConstants.OptGo ? new Outcome(new Session(_structured, _baseAllocation)) : null;
    }

    private Outcome? MetaContext(uint option, byte[] data)
    {
        var set = option == NbdConstants.OptSetMetaContext;
        if (set)
        {
            // A SET replaces the selection even when it fails (nbd.md 4.1).
            _baseAllocation = false;
        }

        if (!_structured)
        {
            return Error(option, NbdConstants.RepErrInvalid, "metadata contexts need structured replies; send NBD_OPT_STRUCTURED_REPLY first");
        }

        if (NbdOptionData.ReadMetaContext(data) is not { } request)
        {
            return Error(option, NbdConstants.RepErrInvalid, "the lengths inside the option do not add up");
        }

        if (!_export.Answers(request.ExportName))
        {
            return Error(option, NbdConstants.RepErrUnknown, $"no export named '{request.ExportName}'");
        }

        // base:allocation is the one context: a list with no query, or "base:" (the namespace), lists it;
        // selecting takes its full name. Queries of other namespaces select nothing.
        var matches = set
            ? request.Queries.Contains(NbdConstants.BaseAllocation)
            : request.Queries.Count == 0 || request.Queries.Any(q => q is "base:" or NbdConstants.BaseAllocation);
        if (matches)
        {
            var context = Encoding.UTF8.GetBytes(NbdConstants.BaseAllocation);
            ReplyHeader(option, NbdConstants.RepMetaContext, 4 + context.Length);
            _channel.WriteUInt32(set ? NbdConstants.BaseAllocationId : 0);
            _channel.Write(context);
            _baseAllocation = set;
        }

        Reply(option, NbdConstants.RepAck);
        return null;
    }

    private void InfoString(uint option, ushort type, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        ReplyHeader(option, NbdConstants.RepInfo, 2 + bytes.Length);
        _channel.WriteUInt16(type);
        _channel.Write(bytes);
    }

    private Outcome? Error(uint option, uint type, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        ReplyHeader(option, type, bytes.Length);
        _channel.Write(bytes);
        _channel.Flush();
        return null;
    }

    private void Reply(uint option, uint type)
    {
        ReplyHeader(option, type, 0);
        _channel.Flush();
    }

    private void ReplyHeader(uint option, uint type, int length)
    {
        _channel.WriteUInt64(NbdConstants.OptionReplyMagic);
        _channel.WriteUInt32(option);
        _channel.WriteUInt32(type);
        _channel.WriteUInt32((uint)length);
    }

    private sealed record Outcome(Session? Session);
}
