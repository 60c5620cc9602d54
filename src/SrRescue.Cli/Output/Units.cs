using System.Globalization;

namespace SrRescue.Cli.Output;

/// <summary>Sizes in the units people read (binary multiples, as LVM and XenServer print them).</summary>
internal static class Units
{
    private static readonly string[] Names = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Bytes(long bytes)
    {
        if (bytes < 1024)
        {
            return $"{bytes} B";
        }

        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Names.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + Names[unit];
    }

    public static string UnixTime(long? seconds) =>
        seconds is { } s and > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z"
            : "-";
}
