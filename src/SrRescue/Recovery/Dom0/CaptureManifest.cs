using System.Globalization;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Recovery.Dom0;

/// <summary>
/// The text file a dom0 script writes beside a capture (<c>CAPTURE.manifest</c>): the device it
/// was read from, that device's size, and every range it copied with the SHA-256 of the bytes it
/// left in the capture. Lines: <c>srrescue-capture 1</c>, <c>device PATH</c>, <c>size BYTES</c>,
/// <c>range OFFSET LENGTH SHA256 WHAT</c>. The rescue machine checks the capture against it:
/// a range whose sum differs was damaged on the way.
/// </summary>
public sealed record CaptureManifest(string DevicePath, long DeviceSizeBytes, IReadOnlyList<CaptureManifest.Range> Ranges)
{
    public const string Suffix = ".manifest";

    private const string Magic = "srrescue-capture 1";

    /// <summary>A line cap: a manifest is a few lines per LV, never megabytes.</summary>
    private const int MaxLines = 1_000_000;

    /// <summary>One copied range: where it lies (the same offset on the device and in the capture), its SHA-256, what it is.</summary>
    public sealed record Range(long OffsetBytes, long LengthBytes, string Sha256, string What);

    public static string PathOf(string capture) => capture + Suffix;

    /// <summary>Reads CAPTURE.manifest; a missing or malformed file is a <see cref="CorruptDataException"/> naming the line.</summary>
    public static CaptureManifest Read(string capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var path = PathOf(capture);
        if (!File.Exists(path))
        {
            throw Bad(path, $"{path} is missing: a capture is made by the dom0 script of 'srrescue plan dom0 --device DEVICE', which writes it beside the capture");
        }

        string? device = null;
        long size = -1;
        var ranges = new List<Range>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (++number > MaxLines)
            {
                throw Bad(path, $"{path} has more than {MaxLines} lines; it is not a capture manifest");
            }

            var word = line.Split(' ', 2);
            switch (word[0])
            {
                case "" when number > 1:
                    break;
                case "srrescue-capture" when number == 1 && line == Magic:
                    break;
                case "device" when number > 1 && word.Length == 2:
                    device = word[1];
                    break;
                case "size" when number > 1 && word.Length == 2 && long.TryParse(word[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s):
                    size = s;
                    break;
                case "range" when number > 1 && ParseRange(word.Length == 2 ? word[1] : "") is { } r:
                    ranges.Add(r);
                    break;
                default:
                    throw Bad(path, $"line {number} of {path} is not a capture manifest line (expected \"{Magic}\", device, size or range): {Cut(line)}");
            }
        }

        if (device is null || size < 0)
        {
            throw Bad(path, $"{path} names no device or no size: the dom0 script stopped before it finished; run it again in an empty directory");
        }

        return new CaptureManifest(device, size, ranges);
    }

    /// <summary>
    /// The ranges whose bytes in <paramref name="capture"/> no longer have the SHA-256 dom0 wrote
    /// down, and whether the capture has the device's length: both mean the copy to this machine
    /// is damaged or incomplete.
    /// </summary>
    public IReadOnlyList<string> Verify(IByteSource capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var problems = new List<string>();
        if (capture.Length != DeviceSizeBytes)
        {
            problems.Add($"{capture.Name} is {capture.Length} bytes, but {DevicePath} is {DeviceSizeBytes}: the capture was cut short on its way");
        }

        var buffer = new byte[1 << 20];
        foreach (var r in Ranges)
        {
            var hash = new Sha256();
            for (long at = r.OffsetBytes; at < r.OffsetBytes + r.LengthBytes;)
            {
                var n = (int)Math.Min(buffer.Length, r.OffsetBytes + r.LengthBytes - at);
                var got = capture.ReadFullyAt(at, buffer.AsSpan(0, n));
                buffer.AsSpan(got, n - got).Clear();
                hash.Append(buffer.AsSpan(0, n));
                at += n;
            }

            var sum = Convert.ToHexStringLower(hash.Finish());
            if (!string.Equals(sum, r.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"bytes {r.OffsetBytes}-{r.OffsetBytes + r.LengthBytes - 1} of {capture.Name} ({r.What}) have SHA-256 {sum}, dom0 wrote {r.Sha256}: copy the capture again");
            }
        }

        return problems;
    }

    /// <summary>True when every byte of [offset, offset + length) lies in a copied range.</summary>
    public bool Covers(long offset, long length)
    {
        var at = offset;
        foreach (var r in Ranges.OrderBy(r => r.OffsetBytes))
        {
            if (r.OffsetBytes <= at && r.OffsetBytes + r.LengthBytes > at)
            {
                at = r.OffsetBytes + r.LengthBytes;
            }
        }

        return at >= offset + length;
    }

    private static Range? ParseRange(string text)
    {
        var f = text.Split(' ', 4);
        return f.Length >= 3
            && long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            && f[2].Length == 64 && f[2].All(char.IsAsciiHexDigit)
            && offset <= long.MaxValue - length
            ? new Range(offset, length, f[2], f.Length == 4 ? f[3] : "")
            : null;
    }

    private static string Cut(string line) => line.Length > 80 ? line[..80] + "..." : line;

    private static CorruptDataException Bad(string path, string message) =>
        new(new Finding(Severity.Error, Dom0Codes.Manifest, "capture manifest", -1, message, Source: path));
}
