namespace SrRescue.Vhd;

/// <summary>VHD timestamps: seconds since 2000-01-01 00:00:00 UTC (vhd.md conventions).</summary>
public static class VhdTime
{
    public const long EpochUnixSeconds = 946684800;

    public static DateTime ToDateTime(uint vhdSeconds) => DateTime.UnixEpoch.AddSeconds(EpochUnixSeconds + vhdSeconds);

    public static uint FromDateTime(DateTime utc)
    {
        var s = (long)(utc - DateTime.UnixEpoch).TotalSeconds - EpochUnixSeconds;
        return (uint)Math.Clamp(s, 0, uint.MaxValue);
    }
}
