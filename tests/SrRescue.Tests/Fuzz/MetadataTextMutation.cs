using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using SrRescue.Io;
using SrRescue.Lvm;

namespace SrRescue.Tests.Fuzz;

/// <summary>
/// Damage to the committed metadata text itself, written back with a matching slot CRC and mda
/// header checksum so the parser, not the checksum, meets it: unbalanced braces, nesting past
/// the depth limit, numbers past 64 bits, an extent_count past the PV's pe_count or of 2^31, a duplicated LV,
/// bytes that are not UTF-8, a huge seqno.
/// </summary>
internal static partial class MetadataTextMutation
{
    public static readonly string[] Variants = ["brace-missing", "brace-extra", "deep-nesting", "huge-number", "extent-count-past-pe-count", "extent-count-2^31", "duplicate-lv", "non-utf8", "huge-seqno"];

    /// <summary>Mutates the copy slot 0 of the mda header at <paramref name="mdaAt"/> points at; false when the slot or text cannot be read.</summary>
    public static bool Apply(FileStream f, long mdaAt, string variant, Random random)
    {
        var header = new byte[MdaHeader.Size];
        f.Position = mdaAt;
        f.ReadExactly(header);
        var mdaSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(MdaHeader.Off.SizeField));
        var slotAt = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(MdaHeader.Off.Slot0));
        var slotSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(MdaHeader.Off.Slot0 + 8));
        if (slotAt <= 0 || slotSize <= 0 || slotAt + slotSize > mdaSize || slotSize > 1 << 20)
        {
            return false;
        }

        var text = new byte[slotSize];
        f.Position = mdaAt + slotAt;
        f.ReadExactly(text);
        var mutated = Mutate(Encoding.Latin1.GetString(text), variant, random);
        var bytes = Encoding.Latin1.GetBytes(mutated);
        if (slotAt + bytes.Length + 1 > mdaSize)
        {
            return false;
        }

        f.Position = mdaAt + slotAt;
        f.Write(bytes);
        f.WriteByte(0);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(MdaHeader.Off.Slot0 + 8), (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(MdaHeader.Off.Slot0 + 16), Crc32.ComputeLvm(bytes));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(MdaHeader.Off.Checksum), Crc32.ComputeLvm(header.AsSpan(MdaHeader.Off.Magic)));
        f.Position = mdaAt;
        f.Write(header);
        return true;
    }

    private static string Mutate(string t, string variant, Random random)
    {
        switch (variant)
        {
            case "brace-missing":
                var closes = Enumerable.Range(0, t.Length).Where(i => t[i] == '}').ToList();
                return closes.Count == 0 ? t : t.Remove(closes[random.Next(closes.Count)], 1);
            case "brace-extra":
                var lines = Enumerable.Range(0, t.Length).Where(i => t[i] == '\n').ToList();
                return lines.Count == 0 ? t + "{" : t.Insert(lines[random.Next(lines.Count)] + 1, random.Next(2) == 0 ? "{\n" : "}\n");
            case "deep-nesting":
                var at = t.IndexOf('\n', StringComparison.Ordinal) + 1;
                var depth = 100 + random.Next(5000);
                return t.Insert(at, string.Concat(Enumerable.Repeat("n {\n", depth)) + string.Concat(Enumerable.Repeat("}\n", depth)));
            case "huge-number":
                var numbers = Number().Matches(t);
                if (numbers.Count == 0)
                {
                    return t;
                }

                var m = numbers[random.Next(numbers.Count)];
                return t[..m.Groups[1].Index] + "184467440737095516150000" + t[(m.Groups[1].Index + m.Groups[1].Length)..];
            case "extent-count-past-pe-count":
                var pe = PeCount().Match(t);
                var ec = ExtentCount().Matches(t);
                if (!pe.Success || ec.Count == 0)
                {
                    return t;
                }

                var e = ec[random.Next(ec.Count)];
                return t[..e.Groups[1].Index] + (long.Parse(pe.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1000) + t[(e.Groups[1].Index + e.Groups[1].Length)..];
            case "extent-count-2^31":
                // Issue 15: one LV with extent_count = 2^31 made carve take 2.4 GB.
                var first = ExtentCount().Match(t, Math.Max(0, t.IndexOf("VHD-", StringComparison.Ordinal)));
                return !first.Success ? t : t[..first.Groups[1].Index] + "2147483648" + t[(first.Groups[1].Index + first.Groups[1].Length)..];
            case "duplicate-lv":
                var lvs = t.IndexOf("logical_volumes {", StringComparison.Ordinal);
                var start = lvs < 0 ? -1 : t.IndexOf('\n', lvs) + 1;
                var end = start <= 0 ? -1 : SectionEnd(t, start);
                return end < 0 ? t : t.Insert(end, t[start..end]);
            case "non-utf8":
                // Into the first LV's name: bytes that are no UTF-8 (and no LVM name character).
                var section = t.IndexOf("logical_volumes {", StringComparison.Ordinal);
                var nameAt = section < 0 ? -1 : t.IndexOf('\n', section) + 1;
                while (nameAt > 0 && nameAt < t.Length && t[nameAt] is '\t' or ' ' or '\n')
                {
                    nameAt++;
                }

                return nameAt <= 0 ? t.Insert(t.Length / 2, "\u00ff\u00fe") : t.Insert(nameAt + 1, "\u00c3\u0028\u00ff");
            default: // huge-seqno
                return SeqNo().Replace(t, "seqno = 9223372036854775807", 1);
        }
    }

    /// <summary>The index after the section that starts on the line at <paramref name="start"/> (its closing brace's line).</summary>
    private static int SectionEnd(string t, int start)
    {
        var depth = 0;
        for (var i = start; i < t.Length; i++)
        {
            depth += t[i] == '{' ? 1 : t[i] == '}' ? -1 : 0;
            if (depth == 0 && t[i] == '}')
            {
                var nl = t.IndexOf('\n', i);
                return nl < 0 ? t.Length : nl + 1;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"= (\d+)")]
    private static partial Regex Number();

    [GeneratedRegex(@"pe_count = (\d+)")]
    private static partial Regex PeCount();

    [GeneratedRegex(@"extent_count = (\d+)")]
    private static partial Regex ExtentCount();

    [GeneratedRegex(@"seqno = \d+")]
    private static partial Regex SeqNo();
}
