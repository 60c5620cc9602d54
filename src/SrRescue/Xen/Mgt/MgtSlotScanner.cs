using SrRescue.Diagnostics;

namespace SrRescue.Xen.Mgt;

/// <summary>
/// Walks the VDI record slots of a current-format MGT (2048 + 1024·k, xenserver-lvhd.md 3.1) from
/// the first to the end of the buffer, not only to the header length: bytes past it are never
/// cleared, so deleted and older records stay readable there. Inside the length every slot must
/// be a record (SM parses each); past it only bytes that look like a record are taken for one.
/// A slot that does not parse cleanly moves the scan on by one sector, not one slot, so a record
/// that starts at another 512-byte boundary (a torn or shifted write) is found as well.
/// </summary>
internal static class MgtSlotScanner
{
    public static List<MgtVdiRecord> Scan(ReadOnlySpan<byte> mgt, MgtHeader header, MgtReadContext ctx)
    {
        var records = new List<MgtVdiRecord>();
        long? length = header.HasUsableLength ? header.LengthBytes : null;
        var blank = new BlankRun();
        var pos = MgtLayout.FirstSlotOffset;
        while (pos < mgt.Length)
        {
            var slot = (pos - MgtLayout.FirstSlotOffset) / MgtLayout.SlotSize;
            var aligned = (pos - MgtLayout.FirstSlotOffset) % MgtLayout.SlotSize == 0;
            var placement = length is not { } l ? MgtRecordPlacement.LengthUnknown : pos < l ? MgtRecordPlacement.InsideLength : MgtRecordPlacement.PastLength;
            var windowEnd = mgt.Length - pos > MgtLayout.SlotSize ? pos + MgtLayout.SlotSize : mgt.Length;
            var sectorEnd = mgt.Length - pos > MgtLayout.SectorSize ? pos + MgtLayout.SectorSize : mgt.Length;
            if (!aligned)
            {
                if (StartsWithVdi(mgt[pos..sectorEnd]))
                {
                    var site = new MgtRecordSite(pos, slot, placement, Misaligned: true);
                    ctx.Add(site.FieldSeverity, MgtCodes.RecordMisaligned, MgtRecordReader.What, pos,
                        $"a <vdi> record starts in the second sector of slot {slot}, not at a slot start");
                    pos = Advance(pos, Read(mgt, windowEnd, site, records, ctx));
                }
                else
                {
                    pos += MgtLayout.SectorSize;
                }

                continue;
            }

            if (MgtXmlTokenizer.IsBlank(mgt[pos..windowEnd]))
            {
                blank.Add(pos, placement);
                pos += MgtLayout.SlotSize;
                continue;
            }

            if (MgtXmlTokenizer.IsBlank(mgt[pos..sectorEnd]) && StartsWithVdi(mgt[sectorEnd..windowEnd]))
            {
                // First sector blank, a record starts in the second: the odd-sector branch reads it.
                blank.Add(pos, placement);
                pos += MgtLayout.SectorSize;
                continue;
            }

            blank.Flush(ctx);
            if (placement != MgtRecordPlacement.InsideLength && !LooksLikeRecord(mgt[pos..windowEnd]))
            {
                pos += MgtLayout.SectorSize;
                continue;
            }

            pos = Advance(pos, Read(mgt, windowEnd, new MgtRecordSite(pos, slot, placement, Misaligned: false), records, ctx));
        }

        blank.Flush(ctx);
        return records;
    }

    private static bool Read(ReadOnlySpan<byte> mgt, int windowEnd, MgtRecordSite site, List<MgtVdiRecord> records, MgtReadContext ctx)
    {
        var (record, closed) = MgtRecordReader.ReadWindow(mgt, windowEnd, site, ctx);
        if (record is not null)
        {
            records.Add(record);
        }

        return closed;
    }

    /// <summary>A closed record used its two sectors; otherwise the next sector may start another record.</summary>
    private static int Advance(int pos, bool closed) => pos + (closed ? MgtLayout.SlotSize : MgtLayout.SectorSize);

    /// <summary>The first non-blank bytes are a &lt;vdi&gt; start tag.</summary>
    private static bool StartsWithVdi(ReadOnlySpan<byte> span)
    {
        var first = span.IndexOfAnyExcept(MgtXmlTokenizer.Blank);
        if (first < 0 || !span[first..].StartsWith("<vdi"u8))
        {
            return false;
        }

        var after = first + 4;
        return after < span.Length && span[after] is (byte)'>' or (byte)'/' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    }

    /// <summary>Past the length: a &lt;vdi&gt; start, or (first sector overwritten) markup up to a &lt;/vdi&gt;.</summary>
    private static bool LooksLikeRecord(ReadOnlySpan<byte> window)
    {
        var first = window.IndexOfAnyExcept(MgtXmlTokenizer.Blank);
        return first >= 0 && window[first] == (byte)'<' && (StartsWithVdi(window) || window.IndexOf("</vdi>"u8) >= 0);
    }

    /// <summary>Consecutive blank slots inside the header length, reported once.</summary>
    private sealed class BlankRun
    {
        private int _start = -1;
        private int _count;

        public void Add(int pos, MgtRecordPlacement placement)
        {
            if (placement != MgtRecordPlacement.InsideLength)
            {
                return;
            }

            if (_start < 0)
            {
                _start = pos;
            }

            _count++;
        }

        public void Flush(MgtReadContext ctx)
        {
            if (_start < 0)
            {
                return;
            }

            var first = (_start - MgtLayout.FirstSlotOffset) / MgtLayout.SlotSize;
            ctx.Add(Severity.Error, MgtCodes.RecordEmpty, MgtRecordReader.What, _start,
                _count == 1
                    ? $"slot {first} lies inside the header length but is blank (SM's parser fails on it and shows no VDI at all)"
                    : $"slots {first}..{first + _count - 1} lie inside the header length but are blank (SM's parser fails on them and shows no VDI at all)",
                $"{_count} blank slot{(_count == 1 ? "" : "s")}", "a <vdi> record in each");
            _start = -1;
            _count = 0;
        }
    }
}
