using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The BAT rules of vhd-util check (vhd.md 3.6, vhd_util_check_bat): every allocated entry lies
/// after the metadata, ends before the footer, and overlaps no other block. vhd-util compares every
/// pair (O(n²), minutes on a 2 TiB image); here the entries are sorted by offset once and each is
/// compared with the furthest-reaching one before it, which finds every overlap in O(n log n).
/// </summary>
internal static class BatRules
{
    public const string What = "VHD BAT";

    public static void Validate(VhdInspection v)
    {
        var log = v.Log;
        var footprint = v.BlockFootprintSectors;
        var eohSector = (v.EndOfHeadersBytes + VhdImage.SectorSize - 1) / VhdImage.SectorSize;
        var placed = new List<(long Start, int Block)>();
        v.Unusable = new bool[v.Bat.Length];
        for (var i = 0; i < v.Bat.Length; i++)
        {
            var entry = v.Bat[i];
            if (entry == VhdImage.Unallocated)
            {
                continue;
            }

            var entryAt = v.BatAt + (4L * i);
            var startBytes = (long)entry * VhdImage.SectorSize;
            var endBytes = (entry + footprint) * VhdImage.SectorSize;
            if (entry < eohSector)
            {
                log.Add(Severity.Error, "vhd.bat.clobbers-headers", What, entryAt,
                    $"block {i} (bitmap at byte {startBytes}) lies inside the metadata, which ends at byte {v.EndOfHeadersBytes}", $"0x{entry:x8}", $">= 0x{eohSector:x8}");
                v.Unusable[i] = true;
                continue;
            }

            if (endBytes > v.LengthBytes)
            {
                v.Unusable[i] = true;
                log.Add(Severity.Error, "vhd.bat.beyond-eof", What, entryAt,
                    startBytes >= v.LengthBytes
                        ? $"block {i} (bitmap at byte {startBytes}) lies past the end of the file ({v.LengthBytes} bytes)"
                        : $"block {i} (bitmap at byte {startBytes}) runs {endBytes - v.LengthBytes} bytes past the end of the file: the file is truncated",
                    $"0x{entry:x8}", $"block end <= {v.LengthBytes}");
            }
            else if (endBytes > v.BlockLimitBytes)
            {
                log.Add(Severity.Error, "vhd.bat.clobbers-footer", What, entryAt,
                    $"block {i} (bitmap at byte {startBytes}) ends at byte {endBytes}, over the footer at byte {v.BlockLimitBytes}", $"0x{entry:x8}", $"block end <= {v.BlockLimitBytes}");
            }

            placed.Add((entry, i));
        }

        ReportOverlaps(v, placed, footprint);
    }

    /// <summary>Sorted sweep: a block overlaps an earlier one exactly when it starts before the furthest end seen so far.</summary>
    private static void ReportOverlaps(VhdInspection v, List<(long Start, int Block)> placed, long footprint)
    {
        placed.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Block.CompareTo(b.Block));
        long reachEnd = -1;
        var reachBlock = -1;
        long reachStart = -1;
        foreach (var (start, block) in placed)
        {
            if (start < reachEnd)
            {
                v.Log.Add(Severity.Error, "vhd.bat.overlap", What, v.BatAt + (4L * block),
                    $"block {block} (bitmap at byte {start * VhdImage.SectorSize}) overlaps block {reachBlock} (bitmap at byte {reachStart * VhdImage.SectorSize})",
                    $"0x{start:x8}", $"outside 0x{reachStart:x8}..0x{reachEnd - 1:x8}");
                v.Unusable[block] = true;
                v.Unusable[reachBlock] = true;
            }

            if (start + footprint > reachEnd)
            {
                reachEnd = start + footprint;
                reachBlock = block;
                reachStart = start;
            }
        }
    }
}
