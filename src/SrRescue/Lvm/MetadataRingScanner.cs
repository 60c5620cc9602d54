using System.Text;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// Finds every metadata text copy still present in the circular buffer of one metadata area
/// (lvm2.md 2.3-2.8). LVM starts each copy on a 512-byte boundary relative to the area start, with
/// the three lines <c>name {</c>, <c>id = "…"</c>, <c>seqno = N</c>; a copy ends at its first NUL,
/// and one that reaches the end of the area continues right after the 512-byte header.
/// Unlike pvck, a copy whose text runs into another copy's header is reported as damaged (it was
/// partly overwritten), and a wrapped copy is joined only when its tail was not overwritten.
/// </summary>
internal static class MetadataRingScanner
{
    private const int Grid = 512;
    private const int MaxVgNameLength = 128;

    /// <param name="area">The whole metadata area, header included (index 0 = the header).</param>
    /// <param name="areaStart">Absolute offset of <paramref name="area"/> in <paramref name="source"/>.</param>
    public static IReadOnlyList<MetadataCopy> Scan(ReadOnlyMemory<byte> areaBytes, long areaStart, int mdaNumber, MdaHeader? header, string source, FindingLog log)
    {
        var heads = new List<Head>();
        FindHeads(areaBytes.Span, Grid, areaBytes.Length, heads);
        return Scan(areaBytes, areaStart, mdaNumber, header, source, heads, log);
    }

    /// <summary>The first lines of a copy (VG name, id, seqno) found at a 512-byte boundary of the area.</summary>
    /// <param name="Start">The boundary, from the area's start.</param>
    internal readonly record struct Head(int Start, string Name, string Id, long Seqno);

    /// <summary>
    /// Adds the heads at 512-byte boundaries whose lines lie before <paramref name="readEnd"/>,
    /// looking from <paramref name="from"/> (all of them once the whole area is read), and returns
    /// where to go on from when more is read. Lets the reader look at each part of the area right
    /// after reading it.
    /// <para>
    /// A head's first line is a VG name of 1 to 128 characters and <c> {</c>, and its second starts
    /// <c>id = "</c>, unindented (the sections inside a VG are indented): so the bytes
    /// <see cref="HeadMark"/> follow every head within its first 512 bytes, and the head starts at
    /// the boundary below them. A vectorised search for them streams through the area instead of
    /// loading one byte from each 512, which missed the cache and the TLB at every step.
    /// </para>
    /// </summary>
    internal static int FindHeads(ReadOnlySpan<byte> area, int from, int readEnd, List<Head> heads)
    {
        var whole = readEnd == area.Length;
        var p = Math.Max(from, Grid);
        while (p < readEnd)
        {
            var found = area[p..readEnd].IndexOf(HeadMark);
            if (found < 0)
            {
                break;
            }

            var mark = p + found;
            var k = mark - (mark % Grid);
            if (!whole && k + Grid > readEnd)
            {
                return mark; // looked at again once the head's 512 bytes are read
            }

            AddIfHead(area, k, heads);
            p = mark + 1;
        }

        if (!whole)
        {
            return Math.Max(p, readEnd - HeadMark.Length + 1);
        }

        // The last boundary holds less than 512 bytes: a head there goes on after the header, where
        // its mark may be.
        if (area.Length % Grid != 0)
        {
            AddIfHead(area, area.Length - (area.Length % Grid), heads);
        }

        return area.Length;
    }

    /// <summary>What follows the VG name in every head: the rest of its first line and the start of the second.</summary>
    private static ReadOnlySpan<byte> HeadMark => " {\nid = \""u8;

    private static void AddIfHead(ReadOnlySpan<byte> area, int k, List<Head> heads)
    {
        if (k >= Grid && (heads.Count == 0 || heads[^1].Start < k) && TryReadHead(area, k, out var name, out var id, out var seqno))
        {
            heads.Add(new Head(k, name, id, seqno));
        }
    }

    /// <param name="heads">Every head of the area (<see cref="FindHeads"/>), in order.</param>
    internal static IReadOnlyList<MetadataCopy> Scan(ReadOnlyMemory<byte> areaBytes, long areaStart, int mdaNumber, MdaHeader? header, string source,
        List<Head> heads, FindingLog log)
    {
        var area = areaBytes.Span;
        ArgumentNullException.ThrowIfNull(log);
        var starts = heads.Select(c => c.Start).ToArray();
        var copies = new List<MetadataCopy>(heads.Count);
        foreach (var c in heads)
        {
            copies.Add(Extract(areaBytes, areaStart, mdaNumber, header, source, c.Start, c.Name, c.Id, c.Seqno, starts, log));
        }

        AddSlotCopyIfMissed(area, areaStart, mdaNumber, header, source, copies, log);
        return copies;
    }

    private static MetadataCopy Extract(ReadOnlyMemory<byte> areaBytes, long areaStart, int mdaNumber, MdaHeader? header, string source,
        int start, string name, string id, long seqno, int[] starts, FindingLog log)
    {
        var area = areaBytes.Span;
        var size = area.Length;
        string? damage = null;
        var wraps = false;
        ReadOnlyMemory<byte> text;
        var nextHead = NextStartAfter(starts, start);
        // Search for the end only up to the next copy's head: that keeps the whole scan linear.
        var nul = area[start..(nextHead > start ? nextHead : size)].IndexOf((byte)0);
        if (nextHead > start && nul < 0)
        {
            // Another copy's header sits inside this copy's text: a later write overwrote the
            // rest of it. Keep what is left before that header.
            damage = $"overwritten from byte {areaStart + nextHead} by a newer copy";
            text = areaBytes[start..nextHead];
        }
        else if (nul >= 0)
        {
            text = areaBytes[start..(start + nul + 1)];
        }
        else
        {
            wraps = true;
            var head = area[start..];
            var firstHead = starts.Length > 0 ? starts[0] : int.MaxValue;
            // The tail continues after the header; it cannot reach back into this copy's own start.
            var tailLimit = Math.Min(start, size);
            var tailNul = tailLimit > Grid ? area[Grid..tailLimit].IndexOf((byte)0) : -1;
            if (tailNul < 0)
            {
                damage = "wraps around the end of the metadata area but no end was found after the header";
                text = areaBytes[start..];
            }
            else if (firstHead <= Grid + tailNul)
            {
                damage = $"wraps around the end of the metadata area but its continuation at byte {areaStart + Grid} was overwritten by a newer copy";
                text = areaBytes[start..];
            }
            else
            {
                var joined = new byte[head.Length + tailNul + 1];
                head.CopyTo(joined);
                area.Slice(Grid, tailNul + 1).CopyTo(joined.AsSpan(head.Length));
                text = joined;
            }
        }

        var hasNul = text.Length > 0 && text.Span[^1] == 0;
        var crc = Crc32.ComputeLvm(text.Span);
        var committed = header is not null && header.Committed.OffsetBytes == start && !header.Committed.IsEmpty;
        var precommitted = header is not null && header.Precommitted.OffsetBytes == start && !header.Precommitted.IsEmpty;
        bool? slotCrc = null;
        if (committed)
        {
            slotCrc = header!.Committed.SizeBytes == text.Length && header.Committed.Checksum == crc;
        }
        else if (precommitted)
        {
            slotCrc = header!.Precommitted.SizeBytes == text.Length && header.Precommitted.Checksum == crc;
        }

        var absolute = areaStart + start;
        if (damage is null && hasNul && !EndsWithBlankLine(text.Span))
        {
            // pvck: "Unexpected terminating bytes". Both 2.02 and 2.03 writers end with "\n\n\0".
            damage = "does not end with the blank line LVM writes after creation_time";
        }

        if (slotCrc == false)
        {
            log.Add(Severity.Warning, "lvm.copy.slot-crc", "metadata copy", absolute,
                $"seqno {seqno}: the {(committed ? "committed" : "precommitted")} slot's size or checksum does not match the text",
                committed ? $"{header!.Committed.SizeBytes} bytes, 0x{header.Committed.Checksum:x8}" : $"{header!.Precommitted.SizeBytes} bytes, 0x{header.Precommitted.Checksum:x8}",
                $"{text.Length} bytes, 0x{crc:x8}", source);
        }

        if (damage is not null)
        {
            log.Add(Severity.Warning, "lvm.copy.damaged", "metadata copy", absolute, $"seqno {seqno} of {name}: {damage}", source: source);
        }

        return new MetadataCopy
        {
            Origin = CopyOrigin.Ring,
            Source = source,
            OffsetBytes = absolute,
            RelativeOffsetBytes = start,
            MdaStartBytes = areaStart,
            MdaNumber = mdaNumber,
            SizeBytes = text.Length,
            Checksum = crc,
            VgName = name,
            VgId = id,
            Seqno = seqno,
            Wraps = wraps,
            IsCommitted = committed,
            IsPrecommitted = precommitted,
            SlotChecksumMatches = slotCrc,
            Damage = damage,
            Utf8 = hasNul ? text[..^1] : text,
        };
    }

    /// <summary>
    /// When a slot points at text whose first lines are not a valid head (overwritten header
    /// lines), the grid scan misses it; report that as a finding so it is not silently lost.
    /// </summary>
    private static void AddSlotCopyIfMissed(ReadOnlySpan<byte> area, long areaStart, int mdaNumber, MdaHeader? header, string source, List<MetadataCopy> copies, FindingLog log)
    {
        if (header is null)
        {
            return;
        }

        foreach (var (slot, what) in new[] { (header.Committed, "committed"), (header.Precommitted, "precommitted") })
        {
            if (slot.IsEmpty || slot.OffsetBytes >= area.Length || copies.Exists(c => c.RelativeOffsetBytes == slot.OffsetBytes))
            {
                continue;
            }

            log.Add(Severity.Error, "lvm.copy.slot-missing", "metadata copy", areaStart + slot.OffsetBytes,
                $"the {what} slot points at byte {areaStart + slot.OffsetBytes} (mda {mdaNumber}) but no metadata text starts there", source: source);
        }
    }

    private static int NextStartAfter(int[] starts, int start)
    {
        var i = Array.BinarySearch(starts, start);
        i = i < 0 ? ~i : i + 1;
        return i < starts.Length ? starts[i] : -1;
    }

    private static bool EndsWithBlankLine(ReadOnlySpan<byte> text) =>
        text.Length >= 3 && text[^1] == 0 && text[^2] == (byte)'\n' && text[^3] == (byte)'\n';

    /// <summary>
    /// Matches <c>^name {\n</c> <c>id = "…"\n</c> <c>seqno = digits\n</c> at <paramref name="k"/>
    /// (lvm2.md 2.7-2.8; the on-disk form is never indented). The head is read wrap-aware.
    /// </summary>
    internal static bool TryReadHead(ReadOnlySpan<byte> area, int k, out string name, out string id, out long seqno)
    {
        name = id = "";
        seqno = 0;
        if (!IsNameChar(area[k]))
        {
            return false;
        }

        ReadOnlySpan<byte> h;
        var n = Math.Min(Grid, area.Length - k);
        if (n == Grid || area.Length <= Grid)
        {
            h = area.Slice(k, n);
        }
        else
        {
            // The head runs past the end of the area and goes on after the header.
            Span<byte> joined = new byte[Grid];
            area.Slice(k, n).CopyTo(joined);
            var more = Math.Min(Grid - n, area.Length - Grid);
            area.Slice(Grid, more).CopyTo(joined[n..]);
            h = joined[..(n + more)];
        }

        var i = 0;
        while (i < h.Length && i <= MaxVgNameLength && IsNameChar(h[i]))
        {
            i++;
        }

        if (i == 0 || i > MaxVgNameLength || !h[i..].StartsWith(" {\n"u8))
        {
            return false;
        }

        name = Encoding.ASCII.GetString(h[..i]);
        var rest = h[(i + 3)..];
        if (!rest.StartsWith("id = \""u8))
        {
            return false;
        }

        rest = rest[6..];
        var q = rest.IndexOf((byte)'"');
        if (q <= 0 || q > 64 || !rest[(q + 1)..].StartsWith("\n"u8))
        {
            return false;
        }

        id = Encoding.ASCII.GetString(rest[..q]);
        rest = rest[(q + 2)..];
        if (!rest.StartsWith("seqno = "u8))
        {
            return false;
        }

        rest = rest[8..];
        var d = 0;
        ulong value = 0;
        while (d < rest.Length && d < 20 && rest[d] is >= (byte)'0' and <= (byte)'9')
        {
            value = (value * 10) + (ulong)(rest[d] - '0');
            d++;
        }

        if (d == 0 || d >= rest.Length || rest[d] != (byte)'\n' || value > uint.MaxValue)
        {
            return false;
        }

        seqno = (long)value;
        return true;
    }

    private static bool IsNameChar(byte c) =>
        c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'.' or (byte)'_' or (byte)'+' or (byte)'-';
}
