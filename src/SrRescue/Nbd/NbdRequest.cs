using System.Buffers.Binary;

namespace SrRescue.Nbd;

/// <summary>
/// A transmission-phase request header (nbd.md 3.1): magic 0x25609513, command flags, type,
/// the client's handle (echoed in the reply), offset and length. A WRITE's payload follows it.
/// </summary>
internal readonly record struct NbdRequest(uint Magic, ushort Flags, ushort Type, ulong Handle, ulong Offset, uint Length)
{
    public const int Size = 28;

    public static NbdRequest Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32BigEndian(b[Off.Magic..]),
        BinaryPrimitives.ReadUInt16BigEndian(b[Off.Flags..]),
        BinaryPrimitives.ReadUInt16BigEndian(b[Off.Type..]),
        BinaryPrimitives.ReadUInt64BigEndian(b[Off.Handle..]),
        BinaryPrimitives.ReadUInt64BigEndian(b[Off.Offset..]),
        BinaryPrimitives.ReadUInt32BigEndian(b[Off.Length..]));

    /// <summary>Whether [Offset, Offset + Length) lies inside an export of <paramref name="size"/> bytes (no overflow: the offset is unsigned 64-bit).</summary>
    public bool Fits(long size) => Offset <= (ulong)size && Length <= (ulong)size - Offset;

    public string TypeName => Type switch
    {
        NbdConstants.CmdRead => "READ",
        NbdConstants.CmdWrite => "WRITE",
        NbdConstants.CmdDisc => "DISC",
        NbdConstants.CmdFlush => "FLUSH",
        NbdConstants.CmdTrim => "TRIM",
        NbdConstants.CmdCache => "CACHE",
        NbdConstants.CmdWriteZeroes => "WRITE_ZEROES",
        NbdConstants.CmdBlockStatus => "BLOCK_STATUS",
        _ => $"command {Type}",
    };

    private static class Off
    {
        public const int Magic = 0;
        public const int Flags = 4;
        public const int Type = 6;
        public const int Handle = 8;
        public const int Offset = 16;
        public const int Length = 24;
    }
}
