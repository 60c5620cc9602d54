using System.Text;
using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// What every MGT reader needs to report a finding: the log, the source name and the absolute
/// offset of buffer byte 0, so that readers work with buffer-relative offsets only.
/// </summary>
internal sealed class MgtReadContext
{
    public MgtReadContext(FindingLog log, long baseOffset, string? source)
    {
        Log = log;
        BaseOffset = baseOffset;
        Source = source;
    }

    public FindingLog Log { get; }

    public long BaseOffset { get; }

    public string? Source { get; }

    /// <summary>The absolute offset of a buffer-relative one (the caller checked base + length fits).</summary>
    public long At(long relative) => BaseOffset + relative;

    public void Add(Severity severity, string code, string structure, long relative, string message, string? stored = null, string? computed = null) =>
        Log.Add(severity, code, structure, At(relative), message, stored, computed, Source);

    /// <summary>Up to <see cref="MgtLayout.ExcerptBytes"/> bytes at <paramref name="at"/>, printable ASCII kept, others as \xNN.</summary>
    public static string Excerpt(ReadOnlySpan<byte> data, int at)
    {
        if (at < 0 || at >= data.Length)
        {
            return "";
        }

        var slice = data.Slice(at, Math.Min(MgtLayout.ExcerptBytes, data.Length - at));
        var text = new StringBuilder(slice.Length * 2);
        foreach (var b in slice)
        {
            if (b is >= 0x20 and < 0x7f)
            {
                text.Append((char)b);
            }
            else
            {
                text.Append("\\x").Append(b.ToString("x2"));
            }
        }

        return text.ToString();
    }
}
