using System.Buffers;
using System.Text;
using SrRescue.Diagnostics;

namespace SrRescue.Nbd;

/// <summary>
/// The transmission phase of one connection (nbd.md 3.2): requests one after another until
/// NBD_CMD_DISC, the client leaving, or the server stopping. Reads are served from the export's
/// disk in pieces of at most <see cref="PieceBytes"/> (memory per connection is bounded whatever
/// the client asks); with structured replies, holes go out as NBD_REPLY_TYPE_OFFSET_HOLE. Every
/// write-like command is refused with EPERM, a range past the end with EINVAL.
/// </summary>
internal sealed class NbdTransmission
{
    /// <summary>The most bytes read from the disk and held at once for one reply.</summary>
    public const int PieceBytes = 4 * 1024 * 1024;

    /// <summary>The most descriptors one BLOCK_STATUS reply carries (the client asks again from where it ends).</summary>
    public const int MaxDescriptors = 1024;

    private readonly NbdChannel _channel;
    private readonly NbdExport _export;
    private readonly NbdNegotiation.Session _session;
    private readonly NbdConnectionCounts _counts;

    public NbdTransmission(NbdChannel channel, NbdExport export, NbdNegotiation.Session session, NbdConnectionCounts counts)
    {
        _channel = channel;
        _export = export;
        _session = session;
        _counts = counts;
    }

    /// <summary>Serves requests until NBD_CMD_DISC or <paramref name="stopping"/>; the client leaving shows as an I/O exception.</summary>
    public void Run(Func<bool> stopping)
    {
        var header = new byte[NbdRequest.Size];
        while (!stopping())
        {
            _channel.ReadExactly(header);
            var request = NbdRequest.Read(header);
            if (request.Magic != NbdConstants.RequestMagic)
            {
                throw new NbdProtocolException($"a request began with 0x{request.Magic:x8}, not the request magic");
            }

            _counts.Requests++;
            if (request.Type == NbdConstants.CmdDisc)
            {
                return;
            }

            Serve(request);
            _channel.Flush();
        }
    }

    private void Serve(NbdRequest r)
    {
        if (r.Type == NbdConstants.CmdWrite)
        {
            // The payload is on the wire whatever the answer: read past it, or the next header is lost.
            if (r.Length > NbdConstants.MaxPayloadBytes)
            {
                throw new NbdProtocolException($"a WRITE of {r.Length} bytes, more than the {NbdConstants.MaxPayloadBytes} allowed");
            }

            _channel.Drain(r.Length);
        }

        if ((r.Flags & ~NbdConstants.KnownCmdFlags) != 0)
        {
            Fail(r, NbdConstants.EInval, $"unknown command flags 0x{r.Flags:x4}");
            return;
        }

        switch (r.Type)
        {
            case NbdConstants.CmdRead:
                Read(r);
                return;
            case NbdConstants.CmdWrite or NbdConstants.CmdTrim or NbdConstants.CmdWriteZeroes:
                _counts.Refused++;
                Fail(r, NbdConstants.EPerm, $"{r.TypeName} refused: this export is read-only (a recovered disk is never written)");
                return;
            case NbdConstants.CmdFlush or NbdConstants.CmdCache:
                Done(r);
                return;
            case NbdConstants.CmdBlockStatus:
                BlockStatus(r);
                return;
            default:
                Fail(r, NbdConstants.EInval, $"{r.TypeName} is not a command this server knows");
                return;
        }
    }

    private bool Check(NbdRequest r, int maxLength)
    {
        if (r.Length == 0 || !r.Fits(_export.Disk.Length))
        {
            Fail(r, NbdConstants.EInval, $"{r.TypeName} of {r.Length} bytes at {r.Offset} is outside the export's {_export.Disk.Length} bytes");
            return false;
        }

        if (r.Length > maxLength)
        {
            Fail(r, NbdConstants.EOverflow, $"{r.TypeName} of {r.Length} bytes is more than the {maxLength} one request may ask");
            return false;
        }

        return true;
    }

    private void Read(NbdRequest r)
    {
        if (!Check(r, NbdConstants.MaxPayloadBytes))
        {
            return;
        }

        var offset = (long)r.Offset;
        var end = offset + r.Length;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(r.Length, PieceBytes));
        try
        {
            if (!_session.StructuredReplies)
            {
                ReadSimple(r, offset, end, buffer);
            }
            else if ((r.Flags & NbdConstants.CmdFlagDf) != 0)
            {
                ReadWhole(r, offset, end, buffer);
            }
            else
            {
                ReadChunked(r, offset, end, buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A simple reply: the header, then the bytes. An error after the header is sent can only end the connection (nbd.md 3.2).</summary>
    private void ReadSimple(NbdRequest r, long offset, long end, byte[] buffer)
    {
        var first = (int)Math.Min(end - offset, buffer.Length);
        if (!TryFill(offset, buffer.AsSpan(0, first), out var error))
        {
            Fail(r, NbdConstants.EIo, error);
            return;
        }

        SimpleHeader(r.Handle, 0);
        _channel.Write(buffer.AsSpan(0, first));
        for (var pos = offset + first; pos < end; pos += buffer.Length)
        {
            var n = (int)Math.Min(end - pos, buffer.Length);
            if (!TryFill(pos, buffer.AsSpan(0, n), out error))
            {
                throw new IOException($"the disk could not be read at {pos} after the reply began ({error}); the connection ends, as the protocol requires");
            }

            _channel.Write(buffer.AsSpan(0, n));
        }

        _counts.BytesSent += end - offset;
    }

    /// <summary>NBD_CMD_FLAG_DF: one data chunk for the whole range, zeros written out.</summary>
    private void ReadWhole(NbdRequest r, long offset, long end, byte[] buffer)
    {
        ChunkHeader(r.Handle, 0, NbdConstants.ReplyTypeOffsetData, 8 + (uint)(end - offset));
        _channel.WriteUInt64((ulong)offset);
        string? error = null;
        long errorAt = 0;
        for (var pos = offset; pos < end; pos += buffer.Length)
        {
            var piece = buffer.AsSpan(0, (int)Math.Min(end - pos, buffer.Length));
            if (error is null && !TryFill(pos, piece, out var e))
            {
                (error, errorAt) = (e, pos);
            }

            if (error is not null)
            {
                // The chunk's length is promised: pad it with zeros, then say where it went wrong.
                piece.Clear();
            }

            _channel.Write(piece);
        }

        _counts.BytesSent += end - offset;
        if (error is not null)
        {
            ErrorChunk(r.Handle, NbdConstants.EIo, error, errorAt);
            return;
        }

        ChunkHeader(r.Handle, NbdConstants.ReplyFlagDone, NbdConstants.ReplyTypeNone, 0);
    }

    /// <summary>Structured: a hole chunk per run the source knows to be zeros, data chunks of at most one piece for the rest.</summary>
    private void ReadChunked(NbdRequest r, long offset, long end, byte[] buffer)
    {
        foreach (var run in NbdExtents.Of(_export.Disk, offset, end, int.MaxValue))
        {
            if (run.IsHole)
            {
                ChunkHeader(r.Handle, 0, NbdConstants.ReplyTypeOffsetHole, 12);
                _channel.WriteUInt64((ulong)run.Offset);
                _channel.WriteUInt32((uint)run.Length);
                _counts.BytesSent += run.Length;
                continue;
            }

            for (var pos = run.Offset; pos < run.End; pos += buffer.Length)
            {
                var piece = buffer.AsSpan(0, (int)Math.Min(run.End - pos, buffer.Length));
                if (!TryFill(pos, piece, out var error))
                {
                    ErrorChunk(r.Handle, NbdConstants.EIo, error, pos);
                    return;
                }

                ChunkHeader(r.Handle, 0, NbdConstants.ReplyTypeOffsetData, 8 + (uint)piece.Length);
                _channel.WriteUInt64((ulong)pos);
                _channel.Write(piece);
                _counts.BytesSent += piece.Length;
            }
        }

        ChunkHeader(r.Handle, NbdConstants.ReplyFlagDone, NbdConstants.ReplyTypeNone, 0);
    }

    private void BlockStatus(NbdRequest r)
    {
        if (!_session.BaseAllocation)
        {
            Fail(r, NbdConstants.EInval, "BLOCK_STATUS without a metadata context: select base:allocation with NBD_OPT_SET_META_CONTEXT");
            return;
        }

        if (!Check(r, int.MaxValue))
        {
            return;
        }

        var most = (r.Flags & NbdConstants.CmdFlagReqOne) != 0 ? 1 : MaxDescriptors;
        var runs = NbdExtents.Of(_export.Disk, (long)r.Offset, (long)r.Offset + r.Length, most);
        ChunkHeader(r.Handle, NbdConstants.ReplyFlagDone, NbdConstants.ReplyTypeBlockStatus, 4 + (8 * (uint)runs.Count));
        _channel.WriteUInt32(NbdConstants.BaseAllocationId);
        foreach (var run in runs)
        {
            _channel.WriteUInt32((uint)run.Length);
            _channel.WriteUInt32(run.IsHole ? NbdConstants.StateHole | NbdConstants.StateZero : 0);
        }
    }

    /// <summary>Reads a piece; a disk that cannot be read there gives the client EIO, not this server a crash.</summary>
    private bool TryFill(long offset, Span<byte> piece, out string error)
    {
        error = "";
        try
        {
            var n = Io.ByteSourceExtensions.ReadFullyAt(_export.Disk, offset, piece);
            piece[n..].Clear();
            return true;
        }
        catch (Exception e) when (e is IOException or CorruptDataException)
        {
            _counts.ReadErrors++;
            error = $"reading {_export.Disk.Name} at {offset}: {e.Message}";
            return false;
        }
    }

    private void Done(NbdRequest r) => SimpleHeader(r.Handle, 0);

    private void Fail(NbdRequest r, uint error, string message)
    {
        _counts.Errors++;
        _counts.LastError ??= message;
        if (_session.StructuredReplies)
        {
            ErrorChunk(r.Handle, error, message, null);
        }
        else
        {
            SimpleHeader(r.Handle, error);
        }
    }

    private void SimpleHeader(ulong handle, uint error)
    {
        _channel.WriteUInt32(NbdConstants.SimpleReplyMagic);
        _channel.WriteUInt32(error);
        _channel.WriteUInt64(handle);
    }

    private void ChunkHeader(ulong handle, ushort flags, ushort type, uint length)
    {
        _channel.WriteUInt32(NbdConstants.StructuredReplyMagic);
        _channel.WriteUInt16(flags);
        _channel.WriteUInt16(type);
        _channel.WriteUInt64(handle);
        _channel.WriteUInt32(length);
    }

    /// <summary>NBD_REPLY_TYPE_ERROR (or _ERROR_OFFSET with the offset), final.</summary>
    private void ErrorChunk(ulong handle, uint error, string message, long? offset)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var textLength = Math.Min(text.Length, 1024);
        var type = offset is null ? NbdConstants.ReplyTypeError : NbdConstants.ReplyTypeErrorOffset;
        ChunkHeader(handle, NbdConstants.ReplyFlagDone, type, (uint)(6 + textLength + (offset is null ? 0 : 8)));
        _channel.WriteUInt32(error);
        _channel.WriteUInt16((ushort)textLength);
        _channel.Write(text.AsSpan(0, textLength));
        if (offset is { } at)
        {
            _channel.WriteUInt64((ulong)at);
        }
    }
}
