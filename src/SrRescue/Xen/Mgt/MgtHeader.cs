using System.Buffers.Binary;
using System.Text;
using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// The MGT header (xenserver-lvhd.md 3.1, 3.4). Current format: sector 0 holds the text
/// <c>XSSM:&lt;length, left-justified in 10&gt;:&lt;major&gt;:&lt;minor&gt;</c> padded with spaces
/// (<c>srmetadata.buildHeader</c>); SM strips it and splits on ':' (<c>unpackHeader</c>). Legacy
/// format (<c>metadata.py</c>, struct <c>"4sIHH"</c>): <c>XSSM</c>, u32 LE total length including
/// these 12 bytes, u16 major, u16 minor. Byte 4 tells them apart (':' in the current format).
/// </summary>
/// <param name="LengthBytes">The declared length: bytes in use (current) or total length (legacy); null when unreadable.</param>
public readonly record struct MgtHeader(MgtFormat Format, long? LengthBytes, int? Major, int? Minor)
{
    /// <summary>The current header is sector 0.</summary>
    public const int Size = MgtLayout.SectorSize;

    public const int LegacySize = 12;

    public const int ExpectedMajor = 1;

    public const int ExpectedMinor = 2;

    private const string What = "MGT header";

    public static ReadOnlySpan<byte> Magic => "XSSM"u8;

    /// <summary>
    /// The declared length is plausible (within the 4 MiB MGT), so slots before it are live and
    /// slots after it stale. False for a missing or damaged length.
    /// </summary>
    public bool HasUsableLength => Format == MgtFormat.Current && LengthBytes is >= 0 and <= MgtLayout.StandardSizeBytes;

    public static class Off
    {
        public const int Magic = 0;

        /// <summary>':' in the current format; the first byte of the u32 length in the legacy one.</summary>
        public const int Separator = 4;

        /// <summary>Current: the length text (10 characters, left-justified).</summary>
        public const int LengthText = 5;

        public const int LegacyLength = 4;
        public const int LegacyMajor = 8;
        public const int LegacyMinor = 10;
    }

    /// <summary>
    /// Reads the header at the start of <paramref name="mgt"/> (which lies at absolute offset
    /// <paramref name="at"/>), checking the declared length against the buffer. Returns false, with
    /// a finding, when there is no XSSM magic.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> mgt, long at, FindingLog log, string? source, out MgtHeader header)
    {
        ArgumentNullException.ThrowIfNull(log);
        var ctx = new MgtReadContext(log, at, source);
        header = new MgtHeader(MgtFormat.Missing, null, null, null);
        if (mgt.Length <= Off.Separator || !mgt.StartsWith(Magic))
        {
            ctx.Add(Severity.Error, MgtCodes.HeaderMissing, What, Off.Magic,
                mgt.Length <= Off.Separator ? "the buffer is too short for an MGT header" : "no XSSM magic: the header sector is damaged or this is not an MGT",
                MgtReadContext.Excerpt(mgt, 0), "XSSM:");
            return false;
        }

        if (mgt[Off.Separator] == (byte)':')
        {
            header = ReadText(mgt, ctx);
            if (header.LengthBytes is not null || !LooksLegacy(mgt))
            {
                CheckLength(header, mgt.Length, ctx);
                return true;
            }
        }

        if (mgt.Length < LegacySize)
        {
            ctx.Add(Severity.Error, MgtCodes.HeaderMalformed, What, Off.Separator, "XSSM magic without ':' and too short for the 12-byte legacy header",
                MgtReadContext.Excerpt(mgt, 0));
            header = new MgtHeader(MgtFormat.Missing, null, null, null);
            return false;
        }

        header = ReadLegacy(mgt, ctx);
        return true;
    }

    private static MgtHeader ReadText(ReadOnlySpan<byte> mgt, MgtReadContext ctx)
    {
        var text = Encoding.Latin1.GetString(mgt[..Math.Min(Size, mgt.Length)]).Replace('\0', ' ').TrimEnd();
        var fields = text.Split(':');
        var junk = fields.Length != 4;
        long? length = null;
        int? major = null, minor = null;
        var fieldStart = fields[0].Length + 1;
        if (fields.Length > 1)
        {
            length = ParseDecimal(fields[1], out var clean);
            junk |= !clean;
            if (length is null)
            {
                ctx.Add(Severity.Error, MgtCodes.HeaderLength, What, fieldStart, "the header length is not a number; live and stale records cannot be told apart",
                    fields[1].Trim(), "decimal byte count");
            }

            fieldStart += fields[1].Length + 1;
        }

        var versionOffset = fieldStart;
        if (fields.Length > 2)
        {
            major = ToInt(ParseDecimal(fields[2], out var clean));
            junk |= !clean;
        }

        if (fields.Length > 3)
        {
            minor = ToInt(ParseDecimal(fields[3], out var clean));
            junk |= !clean;
        }

        if (junk)
        {
            ctx.Add(Severity.Warning, MgtCodes.HeaderMalformed, What, Off.Magic, "the header is not XSSM:<length>:<major>:<minor> (SM's unpackHeader would fail)",
                text.Length > 64 ? text[..64] : text, "XSSM:<length>:1:2");
        }

        CheckVersion(major, minor, Math.Min(versionOffset, text.Length), ctx);
        return new MgtHeader(MgtFormat.Current, length, major, minor);
    }

    private static MgtHeader ReadLegacy(ReadOnlySpan<byte> mgt, MgtReadContext ctx)
    {
        long total = BinaryPrimitives.ReadUInt32LittleEndian(mgt[Off.LegacyLength..]);
        int major = BinaryPrimitives.ReadUInt16LittleEndian(mgt[Off.LegacyMajor..]);
        int minor = BinaryPrimitives.ReadUInt16LittleEndian(mgt[Off.LegacyMinor..]);
        ctx.Add(Severity.Info, MgtCodes.Legacy, What, Off.Magic, "the MGT is in the pre-6.0 format (binary header, one XML document)");
        if (total < LegacySize)
        {
            ctx.Add(Severity.Error, MgtCodes.HeaderLength, What, Off.LegacyLength, "the legacy total length is smaller than its own header; the document is read to the end of the buffer",
                total.ToString(), $">= {LegacySize}");
        }
        else if (total > mgt.Length)
        {
            ctx.Add(Severity.Warning, MgtCodes.Truncated, What, Off.LegacyLength, "the legacy total length runs past the end of the buffer; the document is read to the end of the buffer",
                total.ToString(), mgt.Length.ToString());
        }

        CheckVersion(major, minor, Off.LegacyMajor, ctx);
        return new MgtHeader(MgtFormat.Legacy, total, major, minor);
    }

    private static void CheckLength(MgtHeader header, int bufferLength, MgtReadContext ctx)
    {
        if (header.LengthBytes is not { } length)
        {
            return;
        }

        if (length > MgtLayout.StandardSizeBytes)
        {
            ctx.Add(Severity.Warning, MgtCodes.HeaderLengthTooLarge, What, Off.LengthText,
                "the header length exceeds the 4 MiB MGT: it is damaged, so live and stale records cannot be told apart",
                length.ToString(), $"<= {MgtLayout.StandardSizeBytes}");
            return;
        }

        if (length < MgtLayout.FirstSlotOffset)
        {
            ctx.Add(Severity.Warning, MgtCodes.HeaderLengthShort, What, Off.LengthText, "the header length does not even cover the SR information; every record lies past it",
                length.ToString(), $">= {MgtLayout.FirstSlotOffset}");
        }
        else if ((length - MgtLayout.FirstSlotOffset) % MgtLayout.SlotSize != 0)
        {
            ctx.Add(Severity.Warning, MgtCodes.HeaderLengthUnaligned, What, Off.LengthText, "the header length is not 2048 + 1024 x records; a partly covered slot counts as live (SM reads it)",
                length.ToString(), $"2048 + 1024 x n");
        }

        if (length > bufferLength)
        {
            ctx.Add(Severity.Warning, MgtCodes.Truncated, What, Off.LengthText, "the buffer ends before the header length; records past its end are not read",
                length.ToString(), bufferLength.ToString());
        }
    }

    private static void CheckVersion(int? major, int? minor, int offset, MgtReadContext ctx)
    {
        if (major != ExpectedMajor || minor != ExpectedMinor)
        {
            ctx.Add(Severity.Info, MgtCodes.HeaderVersion, What, offset, "the metadata version is not 1.2",
                $"{major?.ToString() ?? "?"}.{minor?.ToString() ?? "?"}", $"{ExpectedMajor}.{ExpectedMinor}");
        }
    }

    /// <summary>
    /// A legacy header whose u32 length happens to start with 0x3A (':'): the text parse found no
    /// number and the XML document starts right after the 12 bytes.
    /// </summary>
    private static bool LooksLegacy(ReadOnlySpan<byte> mgt)
    {
        if (mgt.Length <= LegacySize)
        {
            return false;
        }

        var first = mgt[LegacySize..].IndexOfAnyExcept(" \t\r\n"u8);
        return first >= 0 && mgt[LegacySize + first] == (byte)'<';
    }

    /// <summary>Leading decimal digits of the trimmed field (saturating); <paramref name="clean"/> when nothing else follows.</summary>
    private static long? ParseDecimal(string field, out bool clean)
    {
        var t = field.Trim();
        var digits = 0;
        long value = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits]))
        {
            var d = t[digits] - '0';
            value = value > (long.MaxValue - d) / 10 ? long.MaxValue : (value * 10) + d;
            digits++;
        }

        clean = digits > 0 && digits == t.Length;
        return digits == 0 ? null : value;
    }

    private static int? ToInt(long? value) => value is null ? null : (int)Math.Min(value.Value, int.MaxValue);
}
