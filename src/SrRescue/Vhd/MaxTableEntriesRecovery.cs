using System.Buffers;
using System.Buffers.Binary;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Recovers a damaged max_table_entries from the facts around it (vhd.md 3.4, 3.5): the batmap
/// header sits at table_offset + roundup512(max·4), so the sector holding `tdbatmap` pins max to
/// 128 values; the batmap's own size narrows it; the header checksum, when only this field is
/// damaged, names the one value whose bytes add up; and among what is left XenServer's 1,048,576
/// and the exact ceil(size / block) are the values real images carry.
/// </summary>
internal static class MaxTableEntriesRecovery
{
    /// <summary>XenServer creates every VHD with metadata for 2 TiB (sm lvhdutil.py MSIZE_MB).</summary>
    public const uint XenServerEntries = 1 << 20;

    private const int ChunkBytes = 1 << 20;
    private const int MaxBatmapHits = 16;

    public readonly record struct Result(uint Value, string Evidence);

    public static Result? Recover(IByteSource source, DynamicHeader h, ulong currentSizeBytes)
    {
        if (h.BlockSizeBytes == 0 || (h.BlockSizeBytes & (h.BlockSizeBytes - 1)) != 0 || h.TableOffset == 0 || h.TableOffset % 512 != 0
            || h.TableOffset >= (ulong)source.Length)
        {
            return null;
        }

        var table = (long)h.TableOffset;
        var limit = Math.Min(VhdImage.MaxBatEntries, (source.Length - table) / 4);

        // A size whose BAT cannot fit in the file is itself damage: then it says nothing about max.
        var needed = Math.Max(1, (currentSizeBytes / h.BlockSizeBytes) + (currentSizeBytes % h.BlockSizeBytes == 0 ? 0UL : 1UL));
        needed = needed <= (ulong)limit ? needed : 1;
        var checksumBad = !h.ChecksumMatches;

        // The bytes of the field must restore the stored checksum (one's complement sums are exact
        // here: 1024 bytes cannot overflow 32 bits).
        var required = (long)~h.StoredChecksum - ((long)~h.ComputedChecksum - ByteSum(h.MaxTableEntries));
        bool FitsChecksum(long v) => checksumBad && ByteSum((uint)v) == required;

        var first = table + RoundUp512((long)needed * 4);
        var last = table + RoundUp512(limit * 4);
        foreach (var p in BatmapCookies(source, first, Math.Min(last, source.Length - 512)))
        {
            var k = (p - table) / 512;
            var lo = Math.Max((long)needed, ((k - 1) * 128) + 1);
            var hi = k * 128;
            var header = source.ReadBytes(p, BatmapHeader.Size);
            var sectors = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(BatmapHeader.Off.BatmapSectors));
            if (sectors > 0 && Math.Max(lo, ((sectors - 1L) * 4096) + 1) <= Math.Min(hi, sectors * 4096L))
            {
                lo = Math.Max(lo, ((sectors - 1L) * 4096) + 1);
                hi = Math.Min(hi, sectors * 4096L);
            }

            if (lo > hi || hi > uint.MaxValue)
            {
                continue;
            }

            var where = $"the batmap header found at byte {p} allows {lo}..{hi}";
            var fitting = new List<long>();
            for (var v = lo; v <= hi; v++)
            {
                if (FitsChecksum(v))
                {
                    fitting.Add(v);
                }
            }

            if (fitting.Count > 0)
            {
                var pick = Prefer(fitting, h.MaxTableEntries, needed, hi);
                return new Result((uint)pick, $"{where}, and the header checksum matches only with {(fitting.Count == 1 ? "this value" : $"{fitting.Count} of them")}");
            }

            long[] usual = [h.MaxTableEntries, XenServerEntries, (long)needed, hi];
            var chosen = usual.First(v => v >= lo && v <= hi);
            return new Result((uint)chosen, chosen == XenServerEntries ? $"{where}; XenServer creates every VHD with {XenServerEntries}" : where);
        }

        if (!checksumBad)
        {
            return null;
        }

        // No batmap to go by: only the checksum can vouch for a value. Try the values real images
        // carry and every single-byte change of the stored one.
        var candidates = new HashSet<long> { XenServerEntries, (long)needed };
        for (var b = 0; b < 4; b++)
        {
            for (var x = 0; x < 256; x++)
            {
                var shift = 24 - (8 * b);
                candidates.Add((h.MaxTableEntries & ~(0xFFu << shift)) | ((uint)x << shift));
            }
        }

        var ok = candidates.Where(v => v >= (long)needed && HeaderRules.Fits(h.TableOffset, (ulong)v * 4, source.Length - VhdFooter.Size) && FitsChecksum(v)).ToList();
        return ok.Count == 0 ? null : new Result((uint)Prefer(ok, h.MaxTableEntries, needed, 0), "the header checksum matches with it (no batmap to confirm)");
    }

    /// <summary>The index of the first byte in which two big-endian u32 values differ (0-3), or -1.</summary>
    public static int FirstDifferingByte(uint a, uint b)
    {
        for (var i = 0; i < 4; i++)
        {
            var shift = 24 - (8 * i);
            if (((a >> shift) & 0xFF) != ((b >> shift) & 0xFF))
            {
                return i;
            }
        }

        return -1;
    }

    public static long RoundUp512(long bytes) => (bytes + 511) / 512 * 512;

    private static long Prefer(List<long> values, uint stored, ulong needed, long hi)
    {
        long[] usual = [XenServerEntries, (long)needed, hi];
        foreach (var u in usual)
        {
            if (values.Contains(u))
            {
                return u;
            }
        }

        return values.OrderBy(v => DifferingBytes((uint)v, stored)).ThenBy(v => v).First();
    }

    private static int DifferingBytes(uint a, uint b)
    {
        var n = 0;
        for (var x = a ^ b; x != 0; x >>= 8)
        {
            n += (x & 0xFF) != 0 ? 1 : 0;
        }

        return n;
    }

    private static long ByteSum(uint v) => (v >> 24) + ((v >> 16) & 0xFF) + ((v >> 8) & 0xFF) + (v & 0xFF);

    /// <summary>Sector-aligned offsets in [first, last] whose sector starts with `tdbatmap`, read in large chunks.</summary>
    private static List<long> BatmapCookies(IByteSource source, long first, long last)
    {
        var hits = new List<long>();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (var pos = first; pos <= last && hits.Count < MaxBatmapHits; pos += ChunkBytes)
            {
                var n = source.ReadFullyAt(pos, buffer.AsSpan(0, (int)Math.Min(ChunkBytes, last + 512 - pos)));
                for (var s = 0; s + 8 <= n && hits.Count < MaxBatmapHits; s += 512)
                {
                    if (buffer.AsSpan(s, 8).SequenceEqual(BatmapHeader.Cookie))
                    {
                        hits.Add(pos + s);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hits;
    }
}
