namespace SrRescue.Nbd;

/// <summary>
/// The numbers of the NBD protocol this server speaks (nbd.md; NetworkBlockDevice/nbd doc/proto.md):
/// magics, option and reply types, commands, flags and the error values. All are sent big-endian.
/// </summary>
internal static class NbdConstants
{
    /// <summary>"NBDMAGIC", the first 8 bytes the server sends.</summary>
    public const ulong InitMagic = 0x4E42444D41474943;

    /// <summary>"IHAVEOPT": the newstyle greeting's second magic, and the start of every option the client sends.</summary>
    public const ulong OptionMagic = 0x49484156454F5054;

    /// <summary>The start of every option reply (fixed newstyle).</summary>
    public const ulong OptionReplyMagic = 0x3E889045565A9;

    public const uint RequestMagic = 0x25609513;
    public const uint SimpleReplyMagic = 0x67446698;
    public const uint StructuredReplyMagic = 0x668E33EF;

    /// <summary>
    /// The largest read payload served, and the largest write payload drained before it is refused:
    /// 2^25, the size the spec says every client may use and every server must accept (nbd.md 4).
    /// </summary>
    public const int MaxPayloadBytes = 32 * 1024 * 1024;

    /// <summary>Option data larger than this is not read: export names and queries are at most 4096 bytes (nbd.md 2).</summary>
    public const int MaxOptionBytes = 64 * 1024;

    /// <summary>The id of the one metadata context, base:allocation, when selected.</summary>
    public const uint BaseAllocationId = 1;

    public const string BaseAllocation = "base:allocation";

    /// <summary>Handshake flags (server, 16 bits).</summary>
    public const ushort FlagFixedNewstyle = 1 << 0;
    public const ushort FlagNoZeroes = 1 << 1;

    /// <summary>Client flags (32 bits).</summary>
    public const uint ClientFixedNewstyle = 1 << 0;
    public const uint ClientNoZeroes = 1 << 1;

    /// <summary>Transmission flags (16 bits).</summary>
    public const ushort HasFlags = 1 << 0;
    public const ushort ReadOnly = 1 << 1;
    public const ushort SendFlush = 1 << 2;
    public const ushort SendDf = 1 << 7;
    public const ushort CanMultiConn = 1 << 8;

    /// <summary>Option types.</summary>
    public const uint OptExportName = 1;
    public const uint OptAbort = 2;
    public const uint OptList = 3;
    public const uint OptStartTls = 5;
    public const uint OptInfo = 6;
    public const uint OptGo = 7;
    public const uint OptStructuredReply = 8;
    public const uint OptListMetaContext = 9;
    public const uint OptSetMetaContext = 10;

    /// <summary>Option reply types; errors have bit 31 set.</summary>
    public const uint RepAck = 1;
    public const uint RepServer = 2;
    public const uint RepInfo = 3;
    public const uint RepMetaContext = 4;
    public const uint RepErrUnsup = 0x80000001;
    public const uint RepErrPolicy = 0x80000002;
    public const uint RepErrInvalid = 0x80000003;
    public const uint RepErrUnknown = 0x80000006;
    public const uint RepErrShutdown = 0x80000007;

    /// <summary>NBD_REP_INFO types.</summary>
    public const ushort InfoExport = 0;
    public const ushort InfoName = 1;
    public const ushort InfoDescription = 2;
    public const ushort InfoBlockSize = 3;

    /// <summary>Commands.</summary>
    public const ushort CmdRead = 0;
    public const ushort CmdWrite = 1;
    public const ushort CmdDisc = 2;
    public const ushort CmdFlush = 3;
    public const ushort CmdTrim = 4;
    public const ushort CmdCache = 5;
    public const ushort CmdWriteZeroes = 6;
    public const ushort CmdBlockStatus = 7;

    /// <summary>Command flags; any other bit is refused with EINVAL.</summary>
    public const ushort CmdFlagFua = 1 << 0;
    public const ushort CmdFlagNoHole = 1 << 1;
    public const ushort CmdFlagDf = 1 << 2;
    public const ushort CmdFlagReqOne = 1 << 3;
    public const ushort CmdFlagFastZero = 1 << 4;
    public const ushort KnownCmdFlags = CmdFlagFua | CmdFlagNoHole | CmdFlagDf | CmdFlagReqOne | CmdFlagFastZero;

    /// <summary>Structured reply flags and chunk types.</summary>
    public const ushort ReplyFlagDone = 1 << 0;
    public const ushort ReplyTypeNone = 0;
    public const ushort ReplyTypeOffsetData = 1;
    public const ushort ReplyTypeOffsetHole = 2;
    public const ushort ReplyTypeBlockStatus = 5;
    public const ushort ReplyTypeError = 0x8001;
    public const ushort ReplyTypeErrorOffset = 0x8002;

    /// <summary>base:allocation status bits.</summary>
    public const uint StateHole = 1 << 0;
    public const uint StateZero = 1 << 1;

    /// <summary>Error values (nbd.md 5: the spec's fixed set, not the host's errno).</summary>
    public const uint EPerm = 1;
    public const uint EIo = 5;
    public const uint EInval = 22;
    public const uint EOverflow = 75;
    public const uint EShutdown = 108;
}
