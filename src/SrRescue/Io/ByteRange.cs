namespace SrRescue.Io;

/// <summary>A run of bytes of a disk or file.</summary>
public readonly record struct ByteRange(long OffsetBytes, long LengthBytes)
{
    public long EndBytes => OffsetBytes + LengthBytes;
}
