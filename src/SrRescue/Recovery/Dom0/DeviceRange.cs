namespace SrRescue.Recovery.Dom0;

/// <summary>
/// Bytes <see cref="OffsetBytes"/> .. + <see cref="LengthBytes"/> of device number
/// <see cref="Device"/> (an index into the plan's devices), copied to <see cref="TargetOffsetBytes"/>
/// of the file they go to (the capture: the same offset; an extracted LV: the LV offset).
/// <see cref="What"/> says what the bytes are, for the progress lines and the report.
/// </summary>
public sealed record DeviceRange(int Device, long OffsetBytes, long LengthBytes, long TargetOffsetBytes, string What)
{
    /// <summary>dd's largest block: 4 MiB, the XenServer extent size, so an extent is one read.</summary>
    public const long MaxBlockBytes = 4L << 20;

    public long EndBytes => OffsetBytes + LengthBytes;

    /// <summary>
    /// The dd block size: the largest power of two up to <see cref="MaxBlockBytes"/> that divides
    /// the offset on the device, the offset in the target and the length, so that skip=, seek= and
    /// count= are whole blocks (every dd has them; iflag=skip_bytes is GNU only).
    /// </summary>
    public long BlockBytes
    {
        get
        {
            var all = OffsetBytes | TargetOffsetBytes | LengthBytes | MaxBlockBytes;
            return all & -all;
        }
    }
}
